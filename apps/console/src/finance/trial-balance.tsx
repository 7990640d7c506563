import { useState } from 'preact/hooks';
import { getJson } from '../api';
import type { AccountTotals, Balances, TrialBalance } from '../api-types';
import { href } from '../router';
import type { Session } from '../session';
import { ErrorNote, Loading, Money, Page, useLoad } from '../ui';
import { AsOfPicker } from './as-of-picker';

interface Shown {
  readonly accounts: readonly AccountTotals[];
  readonly asOf: string | null;
  readonly position: string | null;
  /** Null when filtered by prefix: a part of the ledger has no totals to balance. */
  readonly totals: TrialBalance | null;
  /** The prefix these accounts were read with: the caption describes what is shown, not what is being loaded. */
  readonly prefix: string;
}

/**
 * The trial balance, as of now or of an instant or position; with a prefix (`escrow:`), the
 * balances of those accounts only. Totals and "balanced" are the api's, not summed here.
 */
export function TrialBalancePage(props: { session: Session }) {
  const [asOf, setAsOf] = useState<string>();
  const [prefix, setPrefix] = useState('');
  const [prefixDraft, setPrefixDraft] = useState('');
  const loaded = useLoad<Shown>(
    () =>
      prefix
        ? getJson<Balances>(props.session, '/v1/ledger/balances', { asOf, prefix }).then((b) => ({ accounts: b.balances, asOf: b.asOf, position: b.position, totals: null, prefix }))
        : getJson<TrialBalance>(props.session, '/v1/ledger/trial-balance', { asOf }).then((t) => ({ accounts: t.accounts, asOf: t.asOf, position: t.position, totals: t, prefix })),
    [asOf, prefix],
  );
  const data = loaded.data;
  return (
    <Page title="Trial balance">
      <div class="filters">
        <AsOfPicker onChange={setAsOf} />
        <form
          class="inline"
          onSubmit={(e) => {
            e.preventDefault();
            setPrefix(prefixDraft.trim());
          }}
        >
          <label for="prefix">Account prefix</label>
          <input id="prefix" value={prefixDraft} placeholder="escrow:" onInput={(e) => setPrefixDraft(e.currentTarget.value)} />
          <button type="submit">Filter</button>
        </form>
      </div>
      <ErrorNote error={loaded.error} />
      <Loading when={loaded.loading} />
      {data ? (
        <>
          <p class="muted">
            {data.asOf ? `As of ${data.asOf}` : 'As of now'}
            {data.prefix ? `, accounts starting with “${data.prefix}”` : ''}
            {data.position ? ` (ledger read up to log position ${data.position})` : ''}.
          </p>
          {data.totals ? (
            <p class={data.totals.balanced ? 'status ok' : 'status bad'} role="status">
              {data.totals.balanced ? 'Balanced: debits equal credits' : 'NOT BALANCED: debits differ from credits'}
            </p>
          ) : null}
          <AccountTable accounts={data.accounts} totals={data.totals} />
        </>
      ) : null}
    </Page>
  );
}

function AccountTable(props: { accounts: readonly AccountTotals[]; totals: TrialBalance | null }) {
  if (props.accounts.length === 0) return <p>No account has entries yet.</p>;
  return (
    <table>
      <caption class="visually-hidden">Accounts with their debits, credits and balance</caption>
      <thead>
        <tr>
          <th scope="col">Account</th>
          <th scope="col" class="num">Debits</th>
          <th scope="col" class="num">Credits</th>
          <th scope="col" class="num">Balance</th>
        </tr>
      </thead>
      <tbody>
        {props.accounts.map((a) => (
          <tr key={a.account}>
            <th scope="row">
              <a href={href(`/ledger/accounts/${a.account}`)}>{a.account}</a>
            </th>
            <td class="num"><Money amount={a.debits} /></td>
            <td class="num"><Money amount={a.credits} /></td>
            <td class="num"><Money amount={a.balance} /></td>
          </tr>
        ))}
      </tbody>
      {props.totals ? (
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            <td class="num"><Money amount={props.totals.totalDebits} /></td>
            <td class="num"><Money amount={props.totals.totalCredits} /></td>
            <td />
          </tr>
        </tfoot>
      ) : null}
    </table>
  );
}
