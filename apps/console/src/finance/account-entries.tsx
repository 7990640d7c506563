import { getJson } from '../api';
import type { AccountEntries } from '../api-types';
import { usePagedList } from '../paged-list';
import type { Session } from '../session';
import { ActionButton, ErrorNote, Loading, Money, Page, When } from '../ui';

/** One account's entries, oldest first, each with the balance after it (the api's running balance). */
export function AccountEntriesPage(props: { session: Session; account: string }) {
  const path = `/v1/ledger/accounts/${encodeURIComponent(props.account)}`;
  const list = usePagedList(
    (cursor) => getJson<AccountEntries>(props.session, path, { limit: '100', cursor }).then((p) => ({ items: p.entries, next: p.nextCursor })),
    [props.account],
  );
  const entries = list.items;
  return (
    <Page title={`Account ${props.account}`}>
      <ErrorNote error={list.error} />
      <Loading when={list.loading} />
      {list.loaded && entries.length === 0 ? <p>No entries.</p> : null}
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
      {list.loadMore ? <ActionButton label="More entries" run={list.loadMore} /> : null}
    </Page>
  );
}
