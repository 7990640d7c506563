import { usd, type MilestoneApproved, type MilestoneAutoReleaseReminderSent } from '@escrow/domain';
import { notificationsFor, type NotificationContext } from './notifications.evolve';

const context: NotificationContext = { employerId: 'emp_1', trainerId: 'tr_1', projectName: 'Reward model eval', milestoneName: 'Batch 1' };
const ref = { contractId: 'c_1', milestoneId: 'm_1' };
const source = <E extends MilestoneApproved | MilestoneAutoReleaseReminderSent>(event: E, eventId = 'e_1') => ({
  event,
  eventId,
  occurredAt: '2027-03-08T10:00:00.000Z',
  position: '00000000000000000001-00000000000000000001',
});
const approved = (reason: 'employer' | 'auto_release'): MilestoneApproved => ({
  type: 'MilestoneApproved',
  data: { ...ref, trainerId: 'tr_1', amount: usd(15_000), fee: usd(1_500), net: usd(13_500), feeBps: 1_000, chargeId: 'ch_1', reason },
});
const reminder = (daysBefore: number): MilestoneAutoReleaseReminderSent => ({
  type: 'MilestoneAutoReleaseReminderSent',
  data: { ...ref, employerId: 'emp_1', trainerId: 'tr_1', daysBefore, releaseAt: '2027-03-15T10:00:00.000Z' },
});

describe('notifications of auto-release', () => {
  it('reminds the employer, 7 and then 1 day before, of when the milestone is approved automatically', () => {
    const [seven] = notificationsFor(source(reminder(7)), context);
    expect(seven).toMatchObject({
      recipient: { role: 'employer', id: 'emp_1' },
      type: 'milestone_auto_release_reminder',
      title: 'Approved automatically in 7 days: Batch 1',
      message: expect.stringContaining('approved automatically in 7 days (2027-03-15T10:00:00.000Z)'),
    });
    expect(notificationsFor(source(reminder(1), 'e_2'), context).map((n) => [n.recipient.role, n.title])).toEqual([['employer', 'Approved automatically in 1 day: Batch 1']]);
  });

  it('tells both parties of an auto-release, with what goes to the trainer', () => {
    const sent = notificationsFor(source(approved('auto_release')), context);
    expect(sent.map((n) => [n.recipient.role, n.type])).toEqual([
      ['employer', 'milestone_auto_approved'],
      ['trainer', 'milestone_auto_approved'],
    ]);
    expect(sent[0]!.message).toBe('"Batch 1" on Reward model eval was approved automatically: the request for approval went unanswered. 135.00 USD goes to the trainer.');
  });

  it('an employer’s own approval notifies no one (the payout tells the trainer)', () => {
    expect(notificationsFor(source(approved('employer')), context)).toEqual([]);
  });
});
