import { randomUUID } from 'node:crypto';
import type { SqlDb } from '@escrow/sql';
import { describeEachDatabase, withDatabase } from '../../../test/support/databases';
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

  beforeEach(async () => {
    db = database.db;
    admin = new PaymentProcessAdmin(db);
    await admin.prepare();
    effects = new EffectStore(db);
    saga = new SagaStore(db);
  });
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
});
