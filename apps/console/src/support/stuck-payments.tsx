import { useState } from 'preact/hooks';
import { getJson, postJson } from '../api';
import type { StuckItem, StuckList } from '../api-types';
import { href } from '../router';
import type { Session } from '../session';
import { ActionButton, ErrorNote, Loading, Page, useLoad } from '../ui';

interface Section {
  readonly key: keyof StuckList;
  readonly title: string;
  readonly retry: boolean;
  readonly resolve: boolean;
}

/** Which actions each list offers; the api refuses what would pay twice and says why. */
const sections: readonly Section[] = [
  { key: 'effects', title: 'Payment effects that gave up', retry: true, resolve: true },
  { key: 'retrying', title: 'Still retrying', retry: false, resolve: false },
  { key: 'refusedOutcomes', title: 'Outcomes the provider refused', retry: false, resolve: true },
  { key: 'webhooks', title: 'Failed webhook events', retry: true, resolve: false },
  { key: 'autoReleaseSteps', title: 'Auto-release steps that gave up', retry: true, resolve: false },
];

/** Support's stuck payments: retry from the first attempt under the same key, or settle by hand. */
export function StuckPaymentsPage(props: { session: Session }) {
  const list = useLoad(() => getJson<StuckList>(props.session, '/v1/admin/payments/stuck'), []);
  const [done, setDone] = useState<string>();
  const act = (item: StuckItem, action: 'retry' | 'resolve', body: object = {}) => async () => {
    await postJson(props.session, `/v1/admin/payments/stuck/${encodeURIComponent(item.id)}/${action}`, body, crypto.randomUUID());
    setDone(`${action === 'retry' ? 'Retried' : 'Resolved'} ${item.id}.`);
    list.reload();
  };
  return (
    <Page title="Stuck payments" actions={<ActionButton label="Refresh" run={async () => list.reload()} />}>
      <ErrorNote error={list.error} />
      <Loading when={list.loading} />
      {done ? (
        <p class="status ok" role="status">
          {done}
        </p>
      ) : null}
      {list.data
        ? sections.map((section) => (
            <section key={section.key} aria-labelledby={`stuck-${section.key}`}>
              <h2 id={`stuck-${section.key}`}>
                {section.title} ({list.data![section.key].length})
              </h2>
              {list.data![section.key].length === 0 ? (
                <p class="muted">None.</p>
              ) : (
                <StuckTable items={list.data![section.key]} section={section} act={act} />
              )}
            </section>
          ))
        : null}
    </Page>
  );
}

function StuckTable(props: { items: readonly StuckItem[]; section: Section; act: (item: StuckItem, action: 'retry' | 'resolve', body?: object) => () => Promise<void> }) {
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Item</th>
          <th scope="col">Kind</th>
          <th scope="col">Status</th>
          <th scope="col">Contract</th>
          <th scope="col" class="num">Attempts</th>
          <th scope="col">Last error</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {props.items.map((item) => (
          <tr key={item.id}>
            <th scope="row" class="id">{item.id}</th>
            <td>{item.kind ?? item.type ?? '—'}</td>
            <td>{item.status ?? '—'}</td>
            <td>{item.contractId ? <a href={href(`/contracts/${item.contractId}`)} class="id">{item.contractId}</a> : '—'}</td>
            <td class="num">{item.attempts ?? '—'}</td>
            <td>{item.lastError ?? item.error ?? '—'}</td>
            <td>
              <div class="actions">
                {props.section.retry ? <ActionButton label="Retry" accessibleName={`Retry ${item.id}`} run={props.act(item, 'retry')} /> : null}
                {props.section.resolve ? <ActionButton label="Resolve" accessibleName={`Resolve ${item.id}`} run={props.act(item, 'resolve')} /> : null}
              </div>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
