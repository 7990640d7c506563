import { useState } from 'preact/hooks';
import { getJson, postJson } from '../api';
import type { ContractPage, ContractView } from '../api-types';
import { href, navigate } from '../router';
import type { Session } from '../session';
import { usePagedList } from '../paged-list';
import { ActionButton, ErrorNote, Loading, Money, Page, When } from '../ui';
import { fromCents, toCents } from '../money';
import { milestoneBody, useMilestoneFields } from './milestone-fields';
import { StatusBadge } from './status-badge';

/** The caller's contracts (a party: its own; staff: all), latest activity first; an employer hires from here. */
export function ContractsPage(props: { session: Session; title: string }) {
  const list = usePagedList(
    (after) => getJson<ContractPage>(props.session, '/v1/contracts', { limit: '50', after }).then((p) => ({ items: p.contracts, next: p.next })),
    [],
  );
  const contracts = list.items;
  return (
    <Page title={props.title}>
      {props.session.role === 'employer' ? <HireForm session={props.session} /> : null}
      <ErrorNote error={list.error} />
      <Loading when={list.loading} />
      {list.loaded && contracts.length === 0 ? <p>No contracts yet.</p> : null}
      {contracts.length > 0 ? (
        <table>
          <caption class="visually-hidden">Contracts, latest activity first</caption>
          <thead>
            <tr>
              <th scope="col">Project</th>
              <th scope="col">Employer → trainer</th>
              <th scope="col">Milestones</th>
              <th scope="col" class="num">Total</th>
              <th scope="col">Contract</th>
              <th scope="col">Last activity</th>
            </tr>
          </thead>
          <tbody>
            {contracts.map((c) => (
              <tr key={c.contractId}>
                <th scope="row">
                  <a href={href(`/contracts/${c.contractId}`)}>{c.projectName}</a>
                </th>
                <td class="id">
                  {c.employerId} → {c.trainerId}
                </td>
                <td>
                  {c.milestones.map((m) => (
                    <StatusBadge key={m.milestoneId} status={m.status} label={`${m.name}: ${m.status.replace('_', ' ')}`} />
                  ))}
                </td>
                <td class="num">
                  <Money amount={sumAmounts(c)} currency="USD" />
                </td>
                <td>{c.status}</td>
                <td class="nowrap"><When at={c.updatedAt} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {list.loadMore ? <ActionButton label="More contracts" run={list.loadMore} /> : null}
    </Page>
  );
}

/** The sum of decimal strings in integer cents: exact, and never through a float. */
function sumAmounts(contract: ContractView): string {
  const cents = contract.milestones.reduce((total, m) => total + toCents(m.amount), 0n);
  return fromCents(cents);
}

function HireForm(props: { session: Session }) {
  const [projectName, setProjectName] = useState('');
  const [trainerId, setTrainerId] = useState('');
  const milestone = useMilestoneFields('hire-milestone', 'First milestone');
  const hire = async () => {
    const body = { projectName, trainerId, firstMilestone: milestoneBody(milestone.draft) };
    const hired = await postJson<{ contractId: string }>(props.session, '/v1/contracts', body, crypto.randomUUID());
    navigate(`/contracts/${hired.contractId}`);
  };
  return (
    <details class="panel">
      <summary>Hire a trainer</summary>
      <form class="grid" onSubmit={(e) => e.preventDefault()}>
        <label for="hire-project">Project</label>
        <input id="hire-project" value={projectName} onInput={(e) => setProjectName(e.currentTarget.value)} />
        <label for="hire-trainer">Trainer id</label>
        <input id="hire-trainer" value={trainerId} onInput={(e) => setTrainerId(e.currentTarget.value)} />
        {milestone.fields}
        <span />
        <ActionButton label="Hire" kind="primary" run={hire} />
      </form>
    </details>
  );
}
