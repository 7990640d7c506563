import { useState } from 'preact/hooks';
import { getJson } from '../api';
import type { DisputeQueue } from '../api-types';
import { href } from '../router';
import type { Session } from '../session';
import { ErrorNote, Loading, Money, Page, useLoad, When } from '../ui';

const statuses = [
  ['open', 'Open'],
  ['resolved', 'Resolved'],
  ['', 'All'],
] as const;

function age(seconds: number): string {
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h`;
  return `${Math.floor(seconds / 86_400)} d`;
}

/** Support's queue: disputes oldest first, each linked to its contract (resolve, notes, replay, case file). */
export function DisputesPage(props: { session: Session }) {
  const [status, setStatus] = useState('open');
  const queue = useLoad(() => getJson<DisputeQueue>(props.session, '/v1/disputes', { status: status || undefined }), [status]);
  return (
    <Page title="Disputes">
      <div class="filters">
        <label for="dispute-status">Status</label>
        <select id="dispute-status" value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
          {statuses.map(([value, label]) => (
            <option value={value}>{label}</option>
          ))}
        </select>
      </div>
      <ErrorNote error={queue.error} />
      <Loading when={queue.loading} />
      {queue.data && queue.data.disputes.length === 0 ? <p>No disputes here.</p> : null}
      {queue.data && queue.data.disputes.length > 0 ? (
        <table>
          <caption class="visually-hidden">Disputes, oldest first</caption>
          <thead>
            <tr>
              <th scope="col">Opened</th>
              <th scope="col">Age</th>
              <th scope="col">Contract</th>
              <th scope="col">Parties</th>
              <th scope="col" class="num">Amount</th>
              <th scope="col">Opened by</th>
              <th scope="col">Reason</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {queue.data.disputes.map((d) => (
              <tr key={d.disputeKey}>
                <td class="nowrap"><When at={d.openedAt} /></td>
                <td>{age(d.ageSeconds)}</td>
                <th scope="row">
                  <a href={href(`/contracts/${d.contractId}`)} class="id">
                    {d.contractId}
                  </a>
                </th>
                <td class="id">
                  {d.employerId} → {d.trainerId}
                </td>
                <td class="num"><Money amount={d.amount} currency={d.currency} /></td>
                <td>{d.chargeback ? 'chargeback' : d.openedBy}</td>
                <td>{d.reason}</td>
                <td>
                  {d.status}
                  {d.outcome ? ` (${d.outcome})` : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Page>
  );
}
