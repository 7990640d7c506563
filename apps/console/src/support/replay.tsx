import { getJson } from '../api';
import type { ContractReplay, ReplayStep } from '../api-types';
import { StatusBadge } from '../contracts/status-badge';
import { href } from '../router';
import type { Session } from '../session';
import { ErrorNote, Loading, Money, Page, useLoad, When } from '../ui';

const shown = (value: unknown): string => (value === null || value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value));

/** A contract's history as the api replays it: each event, who did it, what changed, what it posted, and the state after. */
export function ReplayPage(props: { session: Session; contractId: string }) {
  const replay = useLoad(() => getJson<ContractReplay>(props.session, `/v1/contracts/${encodeURIComponent(props.contractId)}/replay`), [props.contractId]);
  return (
    <Page title="Contract replay">
      <p>
        <a href={href(`/contracts/${props.contractId}`)}>Back to the contract</a> <span class="id">{props.contractId}</span>
      </p>
      <ErrorNote error={replay.error} />
      <Loading when={replay.loading} />
      {replay.data ? (
        <ol class="timeline">
          {replay.data.steps.map((step) => (
            <Step key={step.position} step={step} />
          ))}
        </ol>
      ) : null}
    </Page>
  );
}

function Step(props: { step: ReplayStep }) {
  const { step } = props;
  return (
    <li class="step">
      <h2>
        {step.revision + 1}. {step.type}
      </h2>
      <p class="muted">
        <When at={step.occurredAt} />
        {step.actor ? ` by ${step.actor.role} ${step.actor.id}` : ''} · position <span class="id">{step.position}</span>
      </p>
      {step.changes.length > 0 ? (
        <ul class="changes">
          {step.changes.map((c, i) => (
            <li key={i}>
              {c.field}
              {c.milestoneId ? ` (milestone ${milestoneName(step, c.milestoneId)})` : ''}: {shown(c.before)} → <strong>{shown(c.after)}</strong>
            </li>
          ))}
        </ul>
      ) : null}
      {step.posting ? (
        <table class="posting">
          <caption>Posted (transaction {step.posting.transactionId})</caption>
          <thead>
            <tr>
              <th scope="col">Account</th>
              <th scope="col" class="num">Debit</th>
              <th scope="col" class="num">Credit</th>
            </tr>
          </thead>
          <tbody>
            {step.posting.entries.map((e, i) => (
              <tr key={i}>
                <th scope="row">{e.account}</th>
                <td class="num"><Money amount={e.debit} /></td>
                <td class="num"><Money amount={e.credit} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {step.contract ? (
        <details>
          <summary>State after this step</summary>
          <p>
            Contract {step.contract.status}:{' '}
            {step.contract.milestones.map((m) => (
              <StatusBadge key={m.milestoneId} status={m.status} label={`${m.name}: ${m.status.replace('_', ' ')}, ${m.amount} ${m.currency}`} />
            ))}
          </p>
        </details>
      ) : null}
    </li>
  );
}

function milestoneName(step: ReplayStep, milestoneId: string): string {
  return step.contract?.milestones.find((m) => m.milestoneId === milestoneId)?.name ?? milestoneId;
}
