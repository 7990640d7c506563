import { contractStream, dayMs, type Actor } from '@escrow/domain';
import { AutoReleaser } from '@escrow/payment-process';
import type { Clock } from '@escrow/runtime';
import { eventually, withApp } from './support/app';
import { describeEachDatabase } from './support/databases';
import { employer, lifecycle, support, trainer } from './support/lifecycle';
import { refuseAppendsTo } from './support/refused-appends';

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

interface StuckStep {
  id: string;
  kind: string;
  step: string;
  contractId: string;
  milestoneId: string;
  daysBefore: number;
  attempts: number;
  lastError: string;
  pendingSince: string;
  givenUpAt: string;
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

  describe('a release the database keeps refusing', () => {
    const stuckSteps = async () => {
      const list = await app.api.request<{ autoReleaseSteps: StuckStep[] }>('GET', '/v1/admin/payments/stuck', { as: support });
      expect(list.status).toBe(200);
      return list.body.autoReleaseSteps;
    };
    const admin = (id: string, action: 'retry' | 'resolve', body: unknown = {}) =>
      app.api.request('POST', `/v1/admin/payments/stuck/${encodeURIComponent(id)}/${action}`, { as: support, body });
    const approvals = async (contractId: string) => (await app.store.readStream(contractStream(contractId))).filter((e) => e.type === 'MilestoneApproved');

    /** A milestone waiting for approval whose contract stream the database refuses to extend. */
    async function refusedWait(amount: string) {
      const steps = lifecycle(app.api);
      const { contractId, milestoneId } = await steps.hire(amount);
      await steps.fund(contractId, milestoneId);
      await steps.milestoneReaches(contractId, milestoneId, 'funded');
      await steps.requestApproval(contractId, milestoneId);
      const [request] = (await app.store.readStream(contractStream(contractId))).filter((e) => e.type === 'MilestoneApprovalRequested');
      const allowAppends = await refuseAppendsTo(app.db, contractStream(contractId), 'could not extend file: No space left on device');
      app.onClose(allowAppends);
      return { contractId, milestoneId, requestEventId: request!.eventId, requestedAt: new Date(request!.metadata.occurredAt as string), allowAppends };
    }

    /** Due, then each retry's backoff passed by moving the clock ten minutes a poll, until both are given up on. */
    async function givenUp(...waits: [{ milestoneId: string; requestedAt: Date }, { milestoneId: string; requestedAt: Date }]): Promise<[StuckStep, StuckStep]> {
      const latest = waits.reduce((a, b) => (a.requestedAt > b.requestedAt ? a : b));
      clock.setAfter(latest.requestedAt, 14 * dayMs);
      return eventually(async () => {
        clock.setAfter(clock.now(), 10 * 60_000);
        kick();
        const listed = await stuckSteps();
        const ours = waits.map((wait) => listed.find((step) => step.milestoneId === wait.milestoneId));
        return ours.every((step) => step !== undefined) ? (ours as [StuckStep, StuckStep]) : undefined;
      }, 'the releases to be given up on', 30_000);
    }

    it('is listed with its last error; retried it approves exactly once and pays; resolved it leaves the list and never runs', async () => {
      const toRetry = await refusedWait('61.00');
      const toResolve = await refusedWait('62.00');
      const [retryItem, resolveItem] = await givenUp(toRetry, toResolve);

      expect(retryItem).toEqual({
        id: `auto-release:${toRetry.requestEventId}:release`,
        kind: 'auto_release_step',
        step: 'release',
        contractId: toRetry.contractId,
        milestoneId: toRetry.milestoneId,
        daysBefore: 0,
        attempts: 8,
        lastError: 'could not extend file: No space left on device',
        pendingSince: toRetry.requestedAt.toISOString(),
        givenUpAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
      expect(resolveItem).toMatchObject({ id: `auto-release:${toResolve.requestEventId}:release`, attempts: 8 });
      expect(await approvals(toRetry.contractId)).toEqual([]);
      expect((await lifecycle(app.api).contract(toRetry.contractId)).milestones[0]).toMatchObject({ status: 'pending_approval' });

      // Refusals that change nothing: another role, an unknown step, a field only refunds take.
      expect((await app.api.request('POST', `/v1/admin/payments/stuck/${retryItem.id}/retry`, { as: employer, body: {} })).status).toBe(403);
      const unknown = await admin(`auto-release:00000000-0000-0000-0000-000000000000:release`, 'retry');
      expect({ status: unknown.status, code: unknown.body.code }).toEqual({ status: 404, code: 'stuck_item_not_found' });
      const refund = await admin(resolveItem.id, 'resolve', { externalRefund: { refundId: 're_whatever0000000000000' } });
      expect({ status: refund.status, message: refund.body.message }).toEqual({ status: 422, message: `externalRefund: settles only a refund given up on; ${resolveItem.id} is an auto-release step` });
      expect((await stuckSteps()).filter((step) => step.id === retryItem.id || step.id === resolveItem.id)).toHaveLength(2);

      await toRetry.allowAppends();
      await toResolve.allowAppends();
      const retried = await admin(retryItem.id, 'retry');
      expect({ status: retried.status, body: retried.body }).toEqual({ status: 202, body: { id: retryItem.id, retried: 'auto_release_step' } });
      const resolved = await admin(resolveItem.id, 'resolve');
      expect({ status: resolved.status, body: resolved.body }).toEqual({ status: 200, body: { id: resolveItem.id, resolved: true } });
      expect((await admin(resolveItem.id, 'resolve')).status).toBe(409);
      expect((await admin(resolveItem.id, 'retry')).status).toBe(409);

      kick();
      const paid = await lifecycle(app.api).milestoneReaches(toRetry.contractId, toRetry.milestoneId, 'paid');
      expect(paid).toMatchObject({ transferReference: expect.stringMatching(/^tr_/) });
      expect((await stuckSteps()).filter((step) => step.id === retryItem.id || step.id === resolveItem.id)).toEqual([]);

      // Days later, retried or not, nothing more: one approval for the retried step, none for the resolved one.
      clock.setAfter(clock.now(), 3 * dayMs);
      kick();
      await new Promise((resolve) => setTimeout(resolve, 500));
      const [approval, ...more] = await approvals(toRetry.contractId);
      expect(more).toEqual([]);
      expect(approval!.data).toMatchObject({ reason: 'auto_release' });
      expect(approval!.metadata).toMatchObject({ actor: { role: 'service', id: 'auto-release' }, causationId: toRetry.requestEventId });
      expect(await approvals(toResolve.contractId)).toEqual([]);
      expect((await lifecycle(app.api).contract(toResolve.contractId)).milestones[0]).toMatchObject({ status: 'pending_approval' });
      expect((await admin(retryItem.id, 'retry')).status).toBe(409);
    });
  });
});
