import { randomUUID } from 'node:crypto';
import type { SqlDb } from '@escrow/sql';
import { describeEachDatabase, withDatabase } from '../../../test/support/databases';
import { AutoReleaseStore, jobKeyOf } from './auto-release/auto-release-store';
import { PaymentProcessAdmin } from './payment-process-admin';
import { EffectStore, type NewEffect } from './payment-saga/effects/effect-store';
import { SagaStore } from './payment-saga/saga-store';

function refundEffect(key: string): NewEffect {
  return {
    key,
    kind: 'refund',
    contractId: 'contract-1',
    milestoneId: 'milestone-1',
    causeEventId: randomUUID(),
    causeEventType: 'MilestoneRefundRequested',
    correlationId: 'correlation-1',
    request: { chargeId: 'ch_1', amountCents: 500 },
  };
}

describeEachDatabase('PaymentProcessAdmin', (target) => {
  // Emptied before each test: the tests list every effect and outcome.
  const database = withDatabase(target, { emptyBeforeEach: true });
  let db: SqlDb;
  let admin: PaymentProcessAdmin;
  let effects: EffectStore;
  let saga: SagaStore;
  let autoRelease: AutoReleaseStore;

  beforeEach(async () => {
    db = database.db;
    admin = new PaymentProcessAdmin(db);
    effects = new EffectStore(db);
    saga = new SagaStore(db);
    autoRelease = new AutoReleaseStore(db);
  });

  /** A wait's release and 7-day reminder, due since the wait began 14 days before `now`. */
  async function scheduledWait(now: Date) {
    const causeEventId = randomUUID();
    const since = new Date(now.getTime() - 14 * 86_400_000).toISOString();
    await db.transaction((tx) =>
      AutoReleaseStore.scheduleWait(tx, { causeEventId, correlationId: 'correlation-1', contractId: 'contract-1', milestoneId: `milestone-${causeEventId}`, since }, [0, 7], 14),
    );
    return { release: jobKeyOf(causeEventId, 0), reminder: jobKeyOf(causeEventId, 7), milestoneId: `milestone-${causeEventId}` };
  }
  it('lists given-up and still-retrying effects apart', async () => {
    await effects.enqueue(refundEffect('dead-1'));
    await effects.enqueue(refundEffect('slow-1'));
    await effects.enqueue(refundEffect('fresh-1'));
    await effects.dead('dead-1', 'card_declined');
    await effects.retryLater('slow-1', 'timeout', 60_000);

    expect((await admin.deadEffects(10)).map((e) => e.key)).toEqual(['dead-1']);
    expect((await admin.retryingEffects(10)).map((e) => e.key)).toEqual(['slow-1']);
    expect(await admin.effect('fresh-1')).toMatchObject({ status: 'pending', attempts: 0 });
    expect(await admin.effect('missing')).toBeNull();
  });

  it('retries and settles only a dead effect', async () => {
    await effects.enqueue(refundEffect('dead-1'));
    await effects.enqueue(refundEffect('dead-2'));
    await effects.enqueue(refundEffect('pending-1'));
    await effects.dead('dead-1', 'card_declined');
    await effects.dead('dead-2', 'card_declined');

    expect(await admin.retryEffect('pending-1')).toBe(false);
    expect(await admin.retryEffect('dead-1')).toBe(true);
    expect(await admin.effect('dead-1')).toMatchObject({ status: 'pending', attempts: 0 });

    expect(await admin.settleEffect('pending-1', { settledBy: 'external_refund' })).toBe(false);
    expect(await admin.settleEffect('dead-2', { settledBy: 'external_refund', refundId: 're_1' })).toBe(true);
    expect(await admin.effect('dead-2')).toMatchObject({ status: 'done', outcome: { settledBy: 'external_refund', refundId: 're_1' } });
  });

  it('resolves a refused outcome once', async () => {
    await saga.deadLetter({ eventId: randomUUID(), eventType: 'ChargeSucceeded', contractId: 'contract-1', milestoneId: 'milestone-1', error: 'refused' });
    const [refused] = await admin.refusedOutcomes();
    expect(refused).toMatchObject({ eventType: 'ChargeSucceeded', error: 'refused' });

    expect(await admin.resolveRefusedOutcome(refused!.id)).toBe(true);
    expect(await admin.resolveRefusedOutcome(refused!.id)).toBe(false);
    expect(await admin.refusedOutcomes()).toEqual([]);
  });

  describe('auto-release steps', () => {
    const now = new Date('2027-01-15T09:00:00.000Z');

    it('lists only steps given up on, with their attempts, last error and when they were given up', async () => {
      const given = await scheduledWait(now);
      const open = await scheduledWait(now);
      await autoRelease.claim('worker-1', 10, 60_000, now);
      await autoRelease.retryAt(given.release, 'database away', { at: now });
      await autoRelease.dead(given.release, 'database still away');
      await autoRelease.retryAt(open.release, 'database away', { at: now });

      const listed = await admin.givenUpAutoReleaseSteps(10);
      expect(listed).toEqual([
        expect.objectContaining({ key: given.release, daysBefore: 0, contractId: 'contract-1', milestoneId: given.milestoneId, status: 'dead', attempts: 2, lastError: 'database still away', updatedAt: expect.any(String) }),
      ]);
      expect(Date.parse(listed[0]!.updatedAt)).not.toBeNaN();
      expect(await admin.autoReleaseStep(open.release)).toMatchObject({ status: 'pending', attempts: 1 });
      expect(await admin.autoReleaseStep('missing/release')).toBeNull();
    });

    it('retries a given-up step from its first attempt, due at the clock given, and only a given-up one', async () => {
      const { release, reminder } = await scheduledWait(now);
      await autoRelease.claim('worker-1', 10, 60_000, now);
      await autoRelease.dead(release, 'database away');
      const later = new Date(now.getTime() + 3_600_000);

      expect(await admin.retryAutoReleaseStep(reminder, later)).toBe(false);
      expect(await admin.retryAutoReleaseStep(release, later)).toBe(true);
      expect(await admin.retryAutoReleaseStep(release, later)).toBe(false);
      expect(await admin.autoReleaseStep(release)).toMatchObject({ status: 'pending', attempts: 0, dueAt: later.toISOString() });
      expect(await admin.givenUpAutoReleaseSteps(10)).toEqual([]);
      expect((await autoRelease.claim('worker-2', 10, 60_000, later)).map((job) => job.key)).toContain(release);
    });

    it('resolves a given-up step once, keeping who resolved it, without running it', async () => {
      const { release, reminder } = await scheduledWait(now);
      await autoRelease.claim('worker-1', 10, 60_000, now);
      await autoRelease.dead(release, 'database away');

      expect(await admin.resolveAutoReleaseStep(reminder, 'resolved by support sup_1')).toBe(false);
      expect(await admin.resolveAutoReleaseStep(release, 'resolved by support sup_1')).toBe(true);
      expect(await admin.resolveAutoReleaseStep(release, 'resolved by support sup_2')).toBe(false);
      expect(await admin.autoReleaseStep(release)).toMatchObject({ status: 'skipped', outcome: 'resolved by support sup_1' });
      expect(await admin.givenUpAutoReleaseSteps(10)).toEqual([]);
      expect((await autoRelease.claim('worker-2', 10, 60_000, new Date(now.getTime() + 86_400_000))).map((job) => job.key)).not.toContain(release);
    });

    it('drops a given-up step from the list once its milestone no longer waits for approval', async () => {
      const { release, milestoneId } = await scheduledWait(now);
      await autoRelease.claim('worker-1', 10, 60_000, now);
      await autoRelease.dead(release, 'database away');

      await db.transaction((tx) => AutoReleaseStore.cancelWaits(tx, 'contract-1', milestoneId, 'approved (employer) in event e-1'));

      expect(await admin.givenUpAutoReleaseSteps(10)).toEqual([]);
      expect(await admin.autoReleaseStep(release)).toMatchObject({ status: 'cancelled', outcome: 'approved (employer) in event e-1' });
    });
  });
});
