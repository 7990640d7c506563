import { useState } from 'preact/hooks';
import { getJson } from '../api';
import type { Mismatch, MovementCounts, ReconciliationReport } from '../api-types';
import { fromCents } from '../money';
import { href } from '../router';
import type { Session } from '../session';
import { ErrorNote, Loading, Money, Page, useLoad } from '../ui';

/** Midnight UTC of a yyyy-mm-dd day picked in the form. */
const utcDay = (day: string) => `${day}T00:00:00Z`;
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
/** Reconciliation publishes integer cents: shown through BigInt, exactly. */
const cents = (value: number | undefined) => (value === undefined ? undefined : fromCents(BigInt(value)));

/** Finance compares the log with the provider's lists for a period; every mismatch is listed and highlighted. */
export function ReconciliationPage(props: { session: Session }) {
  const [draft, setDraft] = useState({ from: daysAgo(7), to: daysAgo(-1) });
  const [period, setPeriod] = useState<{ from: string; to: string }>();
  const report = useLoad(
    () => (period ? getJson<ReconciliationReport>(props.session, '/v1/ledger/reconciliation', { from: utcDay(period.from), to: utcDay(period.to) }) : Promise.resolve(undefined)),
    [period?.from, period?.to],
  );
  return (
    <Page title="Reconciliation">
      <form
        class="inline filters"
        onSubmit={(e) => {
          e.preventDefault();
          setPeriod({ ...draft });
        }}
      >
        <label for="recon-from">From (UTC day)</label>
        <input id="recon-from" type="date" value={draft.from} onInput={(e) => setDraft({ ...draft, from: e.currentTarget.value })} />
        <label for="recon-to">To (UTC day, exclusive)</label>
        <input id="recon-to" type="date" value={draft.to} onInput={(e) => setDraft({ ...draft, to: e.currentTarget.value })} />
        <button class="primary" type="submit">
          Reconcile
        </button>
      </form>
      <ErrorNote error={report.error} />
      <Loading when={report.loading && period !== undefined} />
      {report.data ? <Report report={report.data} /> : null}
    </Page>
  );
}

function Report(props: { report: ReconciliationReport }) {
  const { report } = props;
  const counts = (c: MovementCounts) => `${c.charges} charges, ${c.transfers} transfers, ${c.refunds} refunds`;
  return (
    <>
      <p class={report.mismatches.length === 0 ? 'status ok' : 'status bad'} role="status">
        {report.mismatches.length === 0
          ? `No mismatch from ${report.period.from} to ${report.period.to}`
          : `${report.mismatches.length} mismatch${report.mismatches.length === 1 ? '' : 'es'} from ${report.period.from} to ${report.period.to}`}
      </p>
      <p class="muted">
        Compared: {counts(report.checked)}. Not made by this platform (not compared): {counts(report.notOurs)}.
      </p>
      {report.mismatches.length > 0 ? (
        <table>
          <caption class="visually-hidden">Mismatches between the log and the provider</caption>
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">Object</th>
              <th scope="col">Provider id</th>
              <th scope="col">Contract</th>
              <th scope="col" class="num">In the log</th>
              <th scope="col" class="num">At the provider</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {report.mismatches.map((m: Mismatch) => (
              <tr key={`${m.kind}:${m.id}`} class="mismatch">
                <th scope="row">{m.kind.replace(/_/g, ' ')}</th>
                <td>{m.object}</td>
                <td class="id">{m.id}</td>
                <td>
                  <a class="id" href={href(`/contracts/${m.contractId}`)}>
                    {m.contractId}
                  </a>
                </td>
                <td class="num"><Money amount={cents(m.ledger?.amountCents)} /></td>
                <td class="num">
                  <Money amount={cents(m.provider?.amountCents)} />
                  {m.provider ? ` ${m.provider.status}` : ''}
                </td>
                <td>{m.detail}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}
