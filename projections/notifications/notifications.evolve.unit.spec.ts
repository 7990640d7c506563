import { undecidedEventTypes, usd, type ContractEvent } from '@escrow/domain';
import {
  notificationEventUses,
  notificationId,
  notificationsFor,
  toNotificationSource,
  type NotificationContext,
  type NotifyingEvent,
  type SourceEvent,
} from './notifications.evolve';

const contractId = 'c_1';
const milestoneId = 'm_1';
const ref = { contractId, milestoneId };
const context: NotificationContext = { employerId: 'emp_1', trainerId: 'tr_1', projectName: 'Reward model eval', milestoneName: 'Batch 1' };
const employer = { role: 'employer', id: 'emp_1' } as const;
const trainer = { role: 'trainer', id: 'tr_1' } as const;
const position = `${'0'.repeat(19)}1-${'0'.repeat(19)}7`;

const source = (event: NotifyingEvent, eventId = 'ev_1'): SourceEvent<NotifyingEvent> => ({ event, eventId, occurredAt: '2026-03-01T10:00:00.000Z', position });
const summary = (event: NotifyingEvent) => notificationsFor(source(event), context).map(({ recipient, type }) => ({ recipient, type }));

const resolved = (resolution: 'release' | 'refund' | 'split', trainerCents: number, refundCents: number): NotifyingEvent => ({
  type: 'MilestoneDisputeResolved',
  data: {
    ...ref, resolution, trainerId: 'tr_1', trainerAmount: usd(trainerCents), refundAmount: usd(refundCents),
    fee: usd(0), net: usd(trainerCents), feeBps: 0, chargeId: 'ch_1', note: 'n',
  },
});

describe('notificationsFor', () => {
  it('tells the employer that approval is requested, with the note', () => {
    const [notification, ...rest] = notificationsFor(source({ type: 'MilestoneApprovalRequested', data: { ...ref, trainerId: 'tr_1', note: 'all 500 labelled' } }), context);
    expect(rest).toEqual([]);
    expect(notification).toEqual({
      id: notificationId('ev_1', employer),
      recipient: employer,
      type: 'milestone_approval_requested',
      title: 'Approval requested: Batch 1',
      message: 'The trainer marked "Batch 1" on Reward model eval complete and asks for your approval. Note: all 500 labelled',
      contractId,
      milestoneId,
      eventId: 'ev_1',
      createdAt: '2026-03-01T10:00:00.000Z',
      position,
    });
  });

  it('tells the trainer that the milestone is funded and that the payout went out, with amounts as decimals', () => {
    const [funded] = notificationsFor(source({ type: 'MilestoneFunded', data: { ...ref, amount: usd(15_000), paymentIntentId: 'pi_1', chargeId: 'ch_1' } }), context);
    expect(funded).toMatchObject({ recipient: trainer, type: 'milestone_funded', title: 'Milestone funded: Batch 1' });
    expect(funded!.message).toContain('150.00 USD');
    const [paid] = notificationsFor(
      source({ type: 'MilestonePayoutCompleted', data: { ...ref, trainerId: 'tr_1', amount: usd(13_500), transferId: 'tr_abc', destinationAccountId: 'acct_1' } }),
      context,
    );
    expect(paid).toMatchObject({ recipient: trainer, type: 'milestone_payout_completed', title: 'Payout sent: Batch 1' });
    expect(paid!.message).toContain('135.00 USD');
    expect(paid!.message).toContain('tr_abc');
  });

  it('tells the employer that funding failed, and why', () => {
    const [failed] = notificationsFor(source({ type: 'MilestoneFundingFailed', data: { ...ref, reason: 'card declined', declineCode: 'generic_decline', paymentIntentId: null } }), context);
    expect(failed).toMatchObject({ recipient: employer, type: 'milestone_funding_failed' });
    expect(failed!.message).toContain('card declined');
  });

  it('tells the other party of a dispute, and both parties of a chargeback', () => {
    const disputed = (disputedBy: 'employer' | 'trainer' | 'service'): NotifyingEvent => ({
      type: 'MilestoneDisputed',
      data: { ...ref, disputedBy, reason: 'late', previousStatus: 'funded', chargeback: null },
    });
    expect(summary(disputed('employer'))).toEqual([{ recipient: trainer, type: 'milestone_disputed' }]);
    expect(summary(disputed('trainer'))).toEqual([{ recipient: employer, type: 'milestone_disputed' }]);
    expect(summary(disputed('service'))).toEqual([
      { recipient: employer, type: 'milestone_disputed' },
      { recipient: trainer, type: 'milestone_disputed' },
    ]);
  });

  it.each([
    ['release', 15_000, 0, '150.00 USD is released to the trainer.'],
    ['refund', 0, 15_000, '150.00 USD is refunded to the employer.'],
    ['split', 5_000, 10_000, '50.00 USD is released to the trainer and 100.00 USD refunded to the employer.'],
  ] as const)('tells both parties how a dispute was resolved (%s)', (resolution, trainerCents, refundCents, text) => {
    const notifications = notificationsFor(source(resolved(resolution, trainerCents, refundCents)), context);
    expect(notifications.map((n) => n.recipient)).toEqual([employer, trainer]);
    for (const n of notifications) expect(n.message).toBe(`Support resolved the dispute on "Batch 1" on Reward model eval: ${text}`);
  });

  it('tells the employer that a refund was issued', () => {
    expect(summary({ type: 'MilestoneRefunded', data: { ...ref, amount: usd(100), refundId: 're_1', chargeId: 'ch_1' } })).toEqual([
      { recipient: employer, type: 'milestone_refunded' },
    ]);
  });

  it('derives ids from the event and the recipient only: the same on a rebuild, distinct per recipient and event', () => {
    const event = resolved('release', 15_000, 0);
    const first = notificationsFor(source(event), context).map((n) => n.id);
    const again = notificationsFor(source(event), context).map((n) => n.id);
    const otherEvent = notificationsFor(source(event, 'ev_2'), context).map((n) => n.id);
    expect(again).toEqual(first);
    expect(new Set([...first, ...otherEvent]).size).toBe(4);
    for (const id of first) expect(id).toMatch(/^ntf_[0-9a-f]{32}$/);
  });
});

describe('toNotificationSource', () => {
  const stored = { eventId: 'ev_9', streamId: `contract-${contractId}`, revision: 0, position };
  const recorded = (event: ContractEvent) => ({ ...stored, ...event, metadata: { occurredAt: '2026-03-01T10:00:00.000Z' } });

  it('has decided, for every event type of the catalog, whether it reads it', () => {
    expect(undecidedEventTypes(notificationEventUses, ['lookup', 'notify'])).toEqual([]);
  });

  it('sorts events into lookups, notifying events and the rest', () => {
    expect(toNotificationSource(recorded({ type: 'ContractCreated', data: { contractId, employerId: 'e', trainerId: 't', projectName: 'p' } }))?.kind).toBe('lookup');
    expect(toNotificationSource(recorded({ type: 'MilestoneRefunded', data: { ...ref, amount: usd(1), refundId: 'r', chargeId: 'c' } }))).toMatchObject({
      kind: 'notify',
      source: { eventId: 'ev_9', position },
    });
    expect(toNotificationSource(recorded({ type: 'MilestoneCancelled', data: { ...ref, reason: null } }))).toBeNull();
    expect(toNotificationSource({ ...stored, type: 'SomethingElse', data: {}, metadata: {} })).toBeNull();
  });
});
