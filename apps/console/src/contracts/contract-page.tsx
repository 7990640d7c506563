import { useRef, useState } from 'preact/hooks';
import { download, getJson, postJson } from '../api';
import type { ContractView, FeedEvent, Milestone } from '../api-types';
import { useContractFeed, type LiveState } from '../live';
import type { Session } from '../session';
import { ActionButton, ErrorNote, Loading, Money, Page, useLoad, When } from '../ui';
import { milestoneBody, useMilestoneFields } from './milestone-fields';
import { StatusBadge } from './status-badge';
import { href } from '../router';
import { ResolveDispute } from '../support/resolve-dispute';

const liveLabel: Record<LiveState, string> = {
  connecting: 'Connecting to live updates…',
  live: 'Live: statuses update as they happen',
  reconnecting: 'Live updates interrupted: reconnecting…',
  refused: 'Live updates refused for this contract',
};

/**
 * One contract with its milestones and what the signed-in party may do next. The page follows the
 * contract's events and re-reads the view after each (waiting until the view has applied it), so
 * funded, paid or a dispute appear without a reload.
 */
export function ContractPage(props: { session: Session; contractId: string }) {
  const { session, contractId } = props;
  const [view, setView] = useState<ContractView>();
  const loaded = useLoad(async () => {
    const first = await getJson<ContractView>(session, `/v1/contracts/${encodeURIComponent(contractId)}`);
    setView(first);
    return first;
  }, [contractId]);
  // The stream starts after the first view's position and keeps that start: the view moves on, the stream does not restart.
  const start = useRef<{ contractId: string; position: string } | undefined>(undefined);
  if (loaded.data && start.current?.contractId !== contractId) start.current = { contractId, position: loaded.data.position };
  const refresh = async (atLeast?: string) => {
    setView(await getJson<ContractView>(session, `/v1/contracts/${encodeURIComponent(contractId)}`, { minPosition: atLeast }));
  };
  const live = useContractFeed(session, contractId, start.current?.position, (event: FeedEvent) => void refresh(event.position).catch(() => undefined));
  const act = (path: string, body: unknown = {}) => async () => {
    const answer = await postJson<{ position?: string }>(session, `/v1/contracts/${encodeURIComponent(contractId)}${path}`, body, crypto.randomUUID());
    await refresh(answer.position);
  };

  return (
    <Page title={view ? view.projectName : 'Contract'}>
      <ErrorNote error={loaded.error} />
      <Loading when={loaded.loading && !view} />
      {view ? (
        <>
          <p class="muted">
            Contract <span class="id">{view.contractId}</span>: employer <span class="id">{view.employerId}</span>, trainer{' '}
            <span class="id">{view.trainerId}</span>, {view.status}, since <When at={view.createdAt} />.
          </p>
          <p class={`live ${live}`} role="status" aria-live="polite">
            {liveLabel[live]}
          </p>
          {session.role === 'support' || session.role === 'finance' ? <StaffLinks session={session} contractId={view.contractId} /> : null}
          <MilestonesTable session={session} view={view} act={act} />
          {session.role === 'support'
            ? view.milestones
                .filter((m) => m.status === 'disputed' && m.resolution === null)
                .map((m) => {
                  const path = `/milestones/${encodeURIComponent(m.milestoneId)}`;
                  return <ResolveDispute key={m.milestoneId} milestone={m} resolve={(body) => act(`${path}/resolve`, body)} addNote={(body) => act(`${path}/notes`, body)} />;
                })
            : null}
          {session.role === 'employer' && view.status === 'active' ? (
            <div class="panel-row">
              <AddMilestone act={act} />
              <div>
                <h2>Archive</h2>
                <p class="muted">Only when every milestone is settled; otherwise the api says what is still open.</p>
                <ActionButton label="Archive contract" run={act('/archive')} />
              </div>
            </div>
          ) : null}
        </>
      ) : null}
    </Page>
  );
}

type Act = (path: string, body?: unknown) => () => Promise<void>;

/** Staff's ways into the contract's history: the replay, its escrow account, and (support) the case file. */
function StaffLinks(props: { session: Session; contractId: string }) {
  const { session, contractId } = props;
  const file = (extension: 'json' | 'pdf') => () =>
    download(session, `/v1/contracts/${encodeURIComponent(contractId)}/case-file${extension === 'pdf' ? '.pdf' : ''}`, `case-file-${contractId}.${extension}`);
  return (
    <p class="actions">
      <a href={href(`/contracts/${contractId}/replay`)}>Replay</a>
      <a href={href(`/ledger/accounts/escrow:contract:${contractId}`)}>Escrow account</a>
      {session.role === 'support' ? <ActionButton label="Case file (JSON)" run={file('json')} /> : null}
      {session.role === 'support' ? <ActionButton label="Case file (PDF)" run={file('pdf')} /> : null}
    </p>
  );
}

function MilestonesTable(props: { session: Session; view: ContractView; act: Act }) {
  return (
    <table>
      <caption class="visually-hidden">Milestones with their status and what can be done next</caption>
      <thead>
        <tr>
          <th scope="col">Milestone</th>
          <th scope="col">Status</th>
          <th scope="col" class="num">Amount</th>
          <th scope="col" class="num">Fee</th>
          <th scope="col" class="num">Net to trainer</th>
          <th scope="col" class="num">Refunded</th>
          <th scope="col">Due</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        {props.view.milestones.map((m) => (
          <tr key={m.milestoneId} data-milestone={m.milestoneId}>
            <th scope="row">
              {m.name}
              {m.lastFailure ? <div class="error small">{m.lastFailure}</div> : null}
            </th>
            <td class="milestone-status">
              <StatusBadge status={m.status} />
            </td>
            <td class="num"><Money amount={m.amount} currency={m.currency} /></td>
            <td class="num"><Money amount={m.fee} /></td>
            <td class="num"><Money amount={m.net} /></td>
            <td class="num"><Money amount={m.refunded} /></td>
            <td>{m.dueDate ?? '—'}</td>
            <td>
              <MilestoneActions session={props.session} milestone={m} act={props.act} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The next steps this party may take on this milestone; the api still checks each one. */
function MilestoneActions(props: { session: Session; milestone: Milestone; act: Act }) {
  const { role } = props.session;
  const m = props.milestone;
  const path = (action: string) => `/milestones/${encodeURIComponent(m.milestoneId)}/${action}`;
  const [reason, setReason] = useState('');
  const canDispute = (role === 'employer' || role === 'trainer') && (m.status === 'funded' || m.status === 'pending_approval');
  return (
    <div class="actions">
      {role === 'employer' && m.status === 'pending' ? <ActionButton label="Fund" kind="primary" accessibleName={`Fund ${m.name}`} run={props.act(path('fund'))} /> : null}
      {role === 'employer' && m.status === 'pending' ? <ActionButton label="Cancel" accessibleName={`Cancel ${m.name}`} run={props.act(path('cancel'))} /> : null}
      {role === 'trainer' && m.status === 'funded' ? (
        <ActionButton label="Request approval" kind="primary" accessibleName={`Request approval of ${m.name}`} run={props.act(path('request-approval'))} />
      ) : null}
      {role === 'employer' && m.status === 'pending_approval' ? (
        <ActionButton label="Approve" kind="primary" accessibleName={`Approve ${m.name}`} run={props.act(path('approve'))} />
      ) : null}
      {canDispute ? (
        <details>
          <summary>Dispute</summary>
          <label for={`reason-${m.milestoneId}`}>Why</label>
          <input id={`reason-${m.milestoneId}`} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          <ActionButton label="Open dispute" accessibleName={`Open a dispute on ${m.name}`} run={props.act(path('dispute'), { reason })} />
        </details>
      ) : null}
    </div>
  );
}

function AddMilestone(props: { act: Act }) {
  const milestone = useMilestoneFields('milestone', 'Name');
  return (
    <form class="grid" onSubmit={(e) => e.preventDefault()} aria-labelledby="add-milestone-title">
      <h2 id="add-milestone-title">Add a milestone</h2>
      <span />
      {milestone.fields}
      <span />
      <ActionButton label="Add milestone" run={props.act('/milestones', milestoneBody(milestone.draft))} />
    </form>
  );
}
