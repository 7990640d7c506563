import { contractStream, dayMs, type Actor } from '@escrow/domain';
import { AutoReleaser } from '@escrow/payment-process';
import type { Clock } from '@escrow/runtime';
import { eventually, withApp } from './support/app';
import { describeEachDatabase } from './support/databases';
import { employer, lifecycle, trainer } from './support/lifecycle';

/** The app's clock (commands, auto-release): the test moves it days ahead in no time. */
class MovableClock implements Clock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  /** Sets the clock to `ms` after `from` (itself a reading of this clock). */
  setAfter(from: Date, ms: number): void {
    this.offsetMs += from.getTime() + ms - this.now().getTime();
  }
}

interface NotificationBody {
  type: string;
  title: string;
  message: string;
  contractId: string;
}

describeEachDatabase('auto-release over HTTP (AUTO_RELEASE_DAYS=14, injected clock)', (target) => {
  const clock = new MovableClock();
  const app = withApp(target, { clock, env: { PLATFORM_FEE_BPS: '1000', AUTO_RELEASE_DAYS: '14' } });

  const notifications = async (as: Actor, contractId: string) => {
    const page = await app.api.request<{ notifications: NotificationBody[] }>('GET', '/v1/notifications?limit=100', { as });
    expect(page.status).toBe(200);
    return page.body.notifications.filter((n) => n.contractId === contractId).map((n) => n.type);
  };
  const waitForNotification = (as: Actor, contractId: string, type: string, count: number) =>
    eventually(async () => ((await notifications(as, contractId)).filter((t) => t === type).length === count ? true : undefined), `${count} × ${type} for ${as.id}`);
  const kick = () => app.api.app.get(AutoReleaser).kick();

  it('pays the trainer after 14 days without an answer, through the normal approval and payout, with the worker restarted in the middle', async () => {
    let steps = lifecycle(app.api);
    await steps.setUpBilling();
    const { contractId, milestoneId } = await steps.hire('150.00');
    await steps.fund(contractId, milestoneId);
    await steps.milestoneReaches(contractId, milestoneId, 'funded');
    await steps.requestApproval(contractId, milestoneId);
    const [request] = (await app.store.readStream(contractStream(contractId))).filter((e) => e.type === 'MilestoneApprovalRequested');

    // A week later: the employer is reminded, once.
    clock.setAfter(new Date(request!.metadata.occurredAt as string), 7 * dayMs + 60_000);
    kick();
    await waitForNotification(employer, contractId, 'milestone_auto_release_reminder', 1);

    // The whole app (its worker with it) stops and starts again on the same database.
    await app.restart();
    steps = lifecycle(app.api);

    clock.setAfter(new Date(request!.metadata.occurredAt as string), 13 * dayMs + 60_000);
    kick();
    await waitForNotification(employer, contractId, 'milestone_auto_release_reminder', 2);

    // Not yet: a minute before the 14 days are over.
    clock.setAfter(new Date(request!.metadata.occurredAt as string), 14 * dayMs - 60_000);
    kick();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await steps.contract(contractId)).milestones[0]).toMatchObject({ status: 'pending_approval' });

    clock.setAfter(new Date(request!.metadata.occurredAt as string), 14 * dayMs);
    kick();
    const paid = await steps.milestoneReaches(contractId, milestoneId, 'paid');
    expect(paid).toMatchObject({ transferReference: expect.stringMatching(/^tr_/) });

    const log = await app.store.readStream(contractStream(contractId));
    const approvals = log.filter((e) => e.type === 'MilestoneApproved');
    expect(approvals).toHaveLength(1);
    expect(approvals[0]!.data).toMatchObject({ reason: 'auto_release', amount: { amountCents: 15_000 }, fee: { amountCents: 1_500 }, net: { amountCents: 13_500 } });
    expect(approvals[0]!.metadata).toMatchObject({ actor: { role: 'service', id: 'auto-release' }, causationId: request!.eventId });
    expect(Date.parse(approvals[0]!.metadata.occurredAt as string) - Date.parse(request!.metadata.occurredAt as string)).toBeGreaterThanOrEqual(14 * dayMs);
    expect(log.filter((e) => e.type === 'MilestonePayoutCompleted').map((e) => (e.data as { amount: { amountCents: number } }).amount.amountCents)).toEqual([13_500]);
    expect(log.filter((e) => e.type === 'MilestoneAutoReleaseReminderSent').map((e) => (e.data as { daysBefore: number }).daysBefore)).toEqual([7, 1]);

    await waitForNotification(trainer, contractId, 'milestone_auto_approved', 1);
    await waitForNotification(employer, contractId, 'milestone_auto_approved', 1);
    await waitForNotification(trainer, contractId, 'milestone_payout_completed', 1);

    // Days later nothing more happens: one approval, one payout.
    clock.setAfter(new Date(request!.metadata.occurredAt as string), 30 * dayMs);
    kick();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = await app.store.readStream(contractStream(contractId));
    expect(after.filter((e) => e.type === 'MilestoneApproved' || e.type === 'MilestonePayoutCompleted')).toHaveLength(2);
  });

  it('an employer who answers in time keeps the decision: approved by the employer, no auto-release, no further reminder', async () => {
    const steps = lifecycle(app.api);
    const { contractId, milestoneId } = await steps.hire('80.00');
    await steps.fund(contractId, milestoneId);
    await steps.milestoneReaches(contractId, milestoneId, 'funded');
    await steps.requestApproval(contractId, milestoneId);
    const [request] = (await app.store.readStream(contractStream(contractId))).filter((e) => e.type === 'MilestoneApprovalRequested');
    clock.setAfter(new Date(request!.metadata.occurredAt as string), 8 * dayMs);
    kick();
    await waitForNotification(employer, contractId, 'milestone_auto_release_reminder', 1);
    await steps.approve(contractId, milestoneId);
    await steps.milestoneReaches(contractId, milestoneId, 'paid');
    clock.setAfter(new Date(request!.metadata.occurredAt as string), 20 * dayMs);
    kick();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const log = await app.store.readStream(contractStream(contractId));
    expect(log.filter((e) => e.type === 'MilestoneApproved').map((e) => (e.data as { reason: string }).reason)).toEqual(['employer']);
    expect(log.filter((e) => e.type === 'MilestoneAutoReleaseReminderSent')).toHaveLength(1);
    expect(await notifications(trainer, contractId)).not.toContain('milestone_auto_approved');
  });
});
