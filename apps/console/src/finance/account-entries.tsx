import { useEffect, useState } from 'preact/hooks';
import { getJson } from '../api';
import type { AccountEntries, AccountEntry } from '../api-types';
import type { Session } from '../session';
import { ActionButton, ErrorNote, Loading, Money, Page, useLoad, When } from '../ui';

/** One account's entries, oldest first, each with the balance after it (the api's running balance). */
export function AccountEntriesPage(props: { session: Session; account: string }) {
  const first = useLoad(() => getJson<AccountEntries>(props.session, `/v1/ledger/accounts/${encodeURIComponent(props.account)}`, { limit: '100' }), [props.account]);
  const [more, setMore] = useState<{ entries: AccountEntry[]; next: string | null }>({ entries: [], next: null });
  useEffect(() => setMore({ entries: [], next: first.data?.nextCursor ?? null }), [first.data]);
  const entries = [...(first.data?.entries ?? []), ...more.entries];
  const loadMore = async () => {
    if (!more.next) return;
    const page = await getJson<AccountEntries>(props.session, `/v1/ledger/accounts/${encodeURIComponent(props.account)}`, { limit: '100', cursor: more.next });
    setMore({ entries: [...more.entries, ...page.entries], next: page.nextCursor });
  };
  return (
    <Page title={`Account ${props.account}`}>
      <ErrorNote error={first.error} />
      <Loading when={first.loading} />
      {first.data && entries.length === 0 ? <p>No entries.</p> : null}
      {entries.length > 0 ? (
        <table>
          <caption class="visually-hidden">Entries of {props.account} with the balance after each</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Event</th>
              <th scope="col">Contract</th>
              <th scope="col">Provider reference</th>
              <th scope="col" class="num">Debit</th>
              <th scope="col" class="num">Credit</th>
              <th scope="col" class="num">Balance</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={`${e.transactionId}:${e.position}`}>
                <td><When at={e.occurredAt} /></td>
                <td>{e.eventType}</td>
                <td class="id">{e.contractId ?? '—'}</td>
                <td class="id">{e.stripeReference ?? '—'}</td>
                <td class="num"><Money amount={e.debit} /></td>
                <td class="num"><Money amount={e.credit} /></td>
                <td class="num"><Money amount={e.balance} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {more.next ? <ActionButton label="More entries" run={loadMore} /> : null}
    </Page>
  );
}
