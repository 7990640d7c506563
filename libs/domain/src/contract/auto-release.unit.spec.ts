import { deciderSpec } from '../testing/decider-spec';
import {
  AUTO_RELEASE_DAYS,
  AUTO_RELEASE_SINCE,
  approvalRequested,
  approve,
  autoReleaseClock,
  autoReleaseReminderSent,
  approved,
  chargebackClosed,
  chargebackDisputed,
  contractAt,
  contractCreated,
  contractWith,
  dispute,
  disputed,
  employer,
  funded,
  fundingRequested,
  M1,
  M2,
  milestoneAt,
  milestoneCreated,
  remindAutoRelease,
  trainer,
} from '../testing/contract-fixtures';
import { approvalWaitOf, autoReleaseDueAt, autoReleaseReminders, dayMs, type TimedContractEvent } from './auto-release';
import type { AutoReleaseFacts } from './commands';
import type { ContractEvent } from './events';
import { contractDecider } from './index';

const contract = deciderSpec(contractDecider);
const autoReleaser = { role: 'service', id: 'auto-release' } as const;
const requestedAt = '2027-03-01T10:00:00.000Z';
const at = (days: number, extraMs = 0) => new Date(Date.parse(requestedAt) + days * dayMs + extraMs).toISOString();
const facts = (now: string, afterDays = 14): AutoReleaseFacts => ({ now, pendingApprovalSince: requestedAt, afterDays });
const autoApprove = (now: string, afterDays = 14, milestoneId = M1) => ({ ...approve({ milestoneId, autoRelease: facts(now, afterDays) }), actor: autoReleaser });

describe('auto-release: the service approves a request left unanswered for AUTO_RELEASE_DAYS', () => {
  it('given a milestone pending approval for 14 days, when the service auto-releases it, then it is approved with reason auto_release, fee and net as an employer approval', () => {
    contract.given(contractAt('pending_approval')).when(autoApprove(at(14))).then([approved(M1, { reason: 'auto_release' })]);
  });

  it('fixes the same amount, fee, net and charge as the employer approving at the same fee (only the reason differs)', () => {
    const state = contractAt('pending_approval').reduce(contractDecider.evolve, contractDecider.initialState());
    const [byEmployer] = contractDecider.decide(approve({ feeBps: 733 }), state);
    const [auto] = contractDecider.decide({ ...approve({ feeBps: 733, autoRelease: facts(at(14)) }), actor: autoReleaser }, state);
    expect(auto).toEqual({ ...byEmployer, data: { ...byEmployer!.data, reason: 'auto_release' } });
  });

  it('given one millisecond short of the wait, then it is not due yet (conflict naming the due time)', () => {
    contract.given(contractAt('pending_approval')).when(autoApprove(at(14, -1))).thenThrows('conflict', `auto-release is due at ${at(14)}`);
  });

  it('counts whole days of the configured wait', () => {
    contract.given(contractAt('pending_approval')).when(autoApprove(at(3), 3)).then([approved(M1, { reason: 'auto_release' })]);
    contract.given(contractAt('pending_approval')).when(autoApprove(at(2), 3)).thenThrows('conflict', `due at ${at(3)}, not yet at ${at(2)}`);
  });

  it('given the employer, then it may not claim an auto-release (forbidden)', () => {
    contract.given(contractAt('pending_approval')).when({ ...autoApprove(at(20)), actor: employer }).thenThrows('forbidden', "only the auto-release service can act in the employer's stead");
    contract.given(contractAt('pending_approval')).when({ ...autoApprove(at(20)), actor: trainer }).thenThrows('forbidden', 'auto-release service');
  });

  it('given the service without auto-release facts, then it may not approve as the employer (forbidden)', () => {
    contract.given(contractAt('pending_approval')).when({ ...approve(), actor: autoReleaser }).thenThrows('forbidden', "only the contract's employer");
  });

  it('given a disputed milestone, then nothing is released (conflict naming the status)', () => {
    contract.given([...contractAt('pending_approval'), disputed('pending_approval')]).when(autoApprove(at(30))).thenThrows('conflict', 'its status is disputed');
    contract.given([...contractAt('pending_approval'), chargebackDisputed('pending_approval')]).when(autoApprove(at(30))).thenThrows('conflict', 'its status is disputed');
  });

  it('given a milestone the employer already approved, then a second approval is refused', () => {
    contract.given(contractAt('approved')).when(autoApprove(at(30))).thenThrows('conflict', 'cannot auto-release milestone m_1: its status is approved');
  });

  it('given a milestone not yet delivered (funded), then nothing is released', () => {
    contract.given(contractAt('funded')).when(autoApprove(at(30))).thenThrows('conflict', 'its status is funded');
  });

  it('refuses a wait that is not a whole number of days of at least one, and times that are not instants (invalid)', () => {
    contract.given(contractAt('pending_approval')).when(autoApprove(at(30), 0)).thenThrows('invalid', 'at least 1, not 0');
    contract.given(contractAt('pending_approval')).when(autoApprove(at(30), 1.5)).thenThrows('invalid', 'at least 1, not 1.5');
    contract.given(contractAt('pending_approval')).when(autoApprove('yesterday')).thenThrows('invalid', 'ISO 8601');
  });

  it('releases only the milestone named', () => {
    contract
      .given(contractWith(milestoneAt.pending_approval(M2), milestoneAt.pending_approval(M1)))
      .when(autoApprove(at(14), 14, M2))
      .then([approved(M2, { reason: 'auto_release' })]);
  });
});

describe('auto-release: the wait for approval, from the log', () => {
  let clock = 0;
  const timed = (event: ContractEvent, occurredAt = at(0, clock)): TimedContractEvent => ({ eventId: `e_${++clock}`, occurredAt, event });
  const delivered = (): TimedContractEvent[] => [contractCreated(), milestoneCreated(), fundingRequested(), funded()].map((e) => timed(e, at(-1)));

  beforeEach(() => {
    clock = 0;
  });

  it('begins with the trainer request', () => {
    const history = [...delivered(), timed(approvalRequested(), requestedAt)];
    expect(approvalWaitOf(history, M1)).toEqual({ contractId: 'c_1', milestoneId: M1, since: requestedAt, causeEventId: history[4]!.eventId });
  });

  it('is none before the request, for another milestone, and once approved or disputed', () => {
    expect(approvalWaitOf(delivered(), M1)).toBeNull();
    expect(approvalWaitOf([...delivered(), timed(approvalRequested(), requestedAt)], M2)).toBeNull();
    expect(approvalWaitOf([...delivered(), timed(approvalRequested(), requestedAt), timed(approved(), at(2))], M1)).toBeNull();
    expect(approvalWaitOf([...delivered(), timed(approvalRequested(), requestedAt), timed(disputed('pending_approval'), at(2))], M1)).toBeNull();
  });

  it('starts again when a chargeback won brings the milestone back to pending approval', () => {
    const back = timed(chargebackClosed('won', 'pending_approval', null), at(10));
    const history = [...delivered(), timed(approvalRequested(), requestedAt), timed(chargebackDisputed('pending_approval'), at(5)), back];
    expect(approvalWaitOf(history, M1)).toEqual({ contractId: 'c_1', milestoneId: M1, since: at(10), causeEventId: back.eventId });
  });

  it('a dispute raised through the decider ends the wait too', () => {
    const history = [...delivered(), timed(approvalRequested(), requestedAt)];
    const events = contractDecider.decide(dispute(), history.map((h) => h.event).reduce(contractDecider.evolve, contractDecider.initialState()));
    expect(approvalWaitOf([...history, ...events.map((e) => timed(e, at(1)))], M1)).toBeNull();
  });
});

describe('auto-release: due time and reminders', () => {
  it('is due afterDays after the wait began', () => {
    expect(autoReleaseDueAt(requestedAt, 14).toISOString()).toBe(at(14));
  });

  it('reminds 7 and 1 days before a 14-day release', () => {
    expect(autoReleaseReminders(requestedAt, 14)).toEqual([
      { daysBefore: 7, dueAt: new Date(at(7)) },
      { daysBefore: 1, dueAt: new Date(at(13)) },
    ]);
  });

  it('skips reminders that would fall before the request (a short wait)', () => {
    expect(autoReleaseReminders(requestedAt, 5)).toEqual([{ daysBefore: 1, dueAt: new Date(at(4)) }]);
    expect(autoReleaseReminders(requestedAt, 7)).toEqual([{ daysBefore: 1, dueAt: new Date(at(6)) }]);
    expect(autoReleaseReminders(requestedAt, 1)).toEqual([]);
  });
});

describe('auto-release reminders: 7 and 1 days before, to the employer', () => {
  const since = AUTO_RELEASE_SINCE;
  const reminderAt = (daysBefore: number, now: string) => remindAutoRelease(daysBefore, { autoRelease: { now, pendingApprovalSince: since, afterDays: AUTO_RELEASE_DAYS } });

  it('given a milestone waiting 7 days of 14, when the service reminds, then the employer is told the release time', () => {
    contract.given(contractAt('pending_approval')).when(remindAutoRelease(7)).then([autoReleaseReminderSent(7)]);
  });

  it('given a milestone waiting 13 days of 14, then the 1-day reminder', () => {
    contract.given(contractAt('pending_approval')).when(remindAutoRelease(1)).then([autoReleaseReminderSent(1)]);
  });

  it('not before its time, and not once the release is due (a late reminder is not sent)', () => {
    contract.given(contractAt('pending_approval')).when(reminderAt(7, autoReleaseClock(7 - 1 / 24))).thenThrows('conflict', `is due at ${autoReleaseClock(7)}`);
    contract.given(contractAt('pending_approval')).when(reminderAt(1, autoReleaseClock(14))).thenThrows('conflict', 'too late for its 1-day reminder');
    contract.given(contractAt('pending_approval')).when(reminderAt(7, autoReleaseClock(13.5))).then([autoReleaseReminderSent(7)]);
  });

  it('only by the service, only while the milestone waits', () => {
    contract.given(contractAt('pending_approval')).when({ ...remindAutoRelease(7), actor: employer }).thenThrows('forbidden', 'auto-release service');
    contract.given([...contractAt('pending_approval'), disputed('pending_approval')]).when(remindAutoRelease(7)).thenThrows('conflict', 'its status is disputed');
    contract.given(contractAt('approved')).when(remindAutoRelease(1)).thenThrows('conflict', 'cannot remind of the auto-release of milestone m_1: its status is approved');
  });

  it('a reminder falls within the wait: 1 to afterDays - 1 whole days before', () => {
    contract.given(contractAt('pending_approval')).when(remindAutoRelease(14)).thenThrows('invalid', 'from 1 to 13, not 14');
    contract.given(contractAt('pending_approval')).when(remindAutoRelease(0)).thenThrows('invalid', 'from 1 to 13, not 0');
  });

  it('changes nothing of the milestone: it still waits and can be approved by the employer', () => {
    contract.given([...contractAt('pending_approval'), autoReleaseReminderSent(7), autoReleaseReminderSent(1)]).when(approve()).then([approved()]);
  });
});
