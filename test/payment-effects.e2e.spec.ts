import { effectAttemptsMax } from '@escrow/payment-process';
import { SimulatedPaymentGateway } from '@escrow/payments';
import { eventually, withApp } from './support/app';
import { describeEachDatabase } from './support/databases';
import { employer, lifecycle, support, trainer } from './support/lifecycle';

/**
 * The saga's effects are durable: each money call is a persisted effect retried with backoff
 * under one key, and given up on visibly (a failure event and a stuck item support can retry).
 */
describeEachDatabase('payment effects: retries, giving up, the stuck list', (target) => {
  let gateway: SimulatedPaymentGateway;
  const app = withApp(target, async (db) => {
    gateway = await SimulatedPaymentGateway.open(db);
    return { gateway, env: { PAYMENT_RETRY_BASE_MS: '10' } };
  });
  beforeAll(async () => {
    await lifecycle(app.api).setUpBilling();
  });

  const effectsOf = async (milestoneId: string) =>
    (
      await app.db.query<{ idempotency_key: string; kind: string; status: string; attempts: number; last_error: string | null }>(
        'select idempotency_key, kind, status, attempts, last_error from saga_effects where milestone_id = $1 order by created_at',
        [milestoneId],
      )
    ).rows;
  const moved = async (milestoneId: string) => {
    const all = await gateway.movements();
    return {
      charges: all.charges.filter((c) => c.metadata.milestoneId === milestoneId).length,
      transfers: all.transfers.filter((t) => t.metadata.milestoneId === milestoneId).length,
    };
  };
  const typesOf = async (contractId: string) => (await app.store.readStream(`contract-${contractId}`)).map((e) => e.type);

  it('retries a charge whose answer was lost under the same key, and charges once', async () => {
    const steps = lifecycle(app.api);
    const { contractId, milestoneId } = await steps.hire('31.00');
    gateway.injectFault({ kind: 'charge', when: 'after_apply', times: 3 });
    await steps.fund(contractId, milestoneId);
    await steps.milestoneReaches(contractId, milestoneId, 'funded');
    expect(await moved(milestoneId)).toEqual({ charges: 1, transfers: 0 });
    const [charge] = await effectsOf(milestoneId);
    expect(charge).toMatchObject({ kind: 'charge', status: 'done', attempts: 3, last_error: expect.stringContaining('network') });
    expect((await typesOf(contractId)).filter((t) => t === 'MilestoneFunded')).toHaveLength(1);
  });

  it(`gives a charge up after ${effectAttemptsMax} attempts: a funding failure, a stuck item, and no retry that could charge`, async () => {
    const steps = lifecycle(app.api);
    const { contractId, milestoneId } = await steps.hire('32.00');
    gateway.injectFault({ kind: 'charge', when: 'before_apply', times: effectAttemptsMax });
    await steps.fund(contractId, milestoneId);
    const failed = await eventually(
      async () => (await app.store.readStream(`contract-${contractId}`)).find((e) => e.type === 'MilestoneFundingFailed'),
      'the funding failure',
    );
    expect(failed.data).toMatchObject({ reason: expect.stringContaining(`gave up after ${effectAttemptsMax} attempts`), paymentIntentId: null });
    expect(await moved(milestoneId)).toEqual({ charges: 0, transfers: 0 });

    const stuck = await app.api.request('GET', '/v1/admin/payments/stuck', { as: support });
    expect(stuck.status).toBe(200);
    const item = stuck.body.effects.find((e: { milestoneId: string }) => e.milestoneId === milestoneId);
    expect(item).toMatchObject({ kind: 'charge', status: 'dead', attempts: effectAttemptsMax, contractId, causeEventType: 'MilestoneFundingRequested' });
    const retry = await app.api.request('POST', `/v1/admin/payments/stuck/${item.id}/retry`, { as: support, body: {} });
    expect(retry.status).toBe(409);
    expect(retry.body.message).toMatch(/milestone is pending/);
    expect(await moved(milestoneId)).toEqual({ charges: 0, transfers: 0 });
  });

  it('gives a payout attempt up visibly, then pays out once on the next attempt', async () => {
    const steps = lifecycle(app.api);
    const { contractId, milestoneId } = await steps.hire('33.00');
    await steps.fund(contractId, milestoneId);
    await steps.milestoneReaches(contractId, milestoneId, 'funded');
    await steps.requestApproval(contractId, milestoneId);
    gateway.injectFault({ kind: 'transfer', when: 'before_apply', times: effectAttemptsMax });
    await steps.approve(contractId, milestoneId);
    await steps.milestoneReaches(contractId, milestoneId, 'paid', 30_000);
    expect(await moved(milestoneId)).toEqual({ charges: 1, transfers: 1 });
    const transfers = (await effectsOf(milestoneId)).filter((e) => e.kind === 'transfer');
    expect(transfers.map((e) => [e.idempotency_key.split(':').pop(), e.status])).toEqual([
      ['1', 'dead'],
      ['2', 'done'],
    ]);
    const failure = (await app.store.readStream(`contract-${contractId}`)).find((e) => e.type === 'MilestonePayoutFailed');
    expect(failure?.data).toMatchObject({ reason: expect.stringContaining('gave up'), attempt: 1 });

    // The given-up attempt is listed; retrying it now could only pay twice, so it is refused.
    const stuck = await app.api.request('GET', '/v1/admin/payments/stuck', { as: support });
    const item = stuck.body.effects.find((e: { id: string }) => e.id === transfers[0]!.idempotency_key);
    expect(item).toMatchObject({ kind: 'transfer', status: 'dead' });
    const retry = await app.api.request('POST', `/v1/admin/payments/stuck/${encodeURIComponent(item.id)}/retry`, { as: support, body: {} });
    expect(retry.status).toBe(409);
    expect(await moved(milestoneId)).toEqual({ charges: 1, transfers: 1 });
  });

  it('lets support retry a given-up refund, which then refunds once', async () => {
    const steps = lifecycle(app.api);
    const { contractId, milestoneId } = await steps.hire('34.00');
    await steps.fund(contractId, milestoneId);
    await steps.milestoneReaches(contractId, milestoneId, 'funded');
    const disputed = await app.api.request('POST', `/v1/contracts/${contractId}/milestones/${milestoneId}/dispute`, { as: employer, body: { reason: 'never delivered' } });
    expect(disputed.status).toBe(200);
    gateway.injectFault({ kind: 'refund', when: 'before_apply', times: effectAttemptsMax });
    const resolved = await app.api.request('POST', `/v1/contracts/${contractId}/milestones/${milestoneId}/resolve`, {
      as: support,
      body: { resolution: 'refund', note: 'work was not delivered' },
    });
    expect(resolved.status).toBe(200);
    const dead = await eventually(async () => (await effectsOf(milestoneId)).find((e) => e.kind === 'refund' && e.status === 'dead'), 'the refund to be given up');
    expect((await gateway.movements()).refunds.filter((r) => r.metadata.milestoneId === milestoneId)).toHaveLength(0);

    const retry = await app.api.request('POST', `/v1/admin/payments/stuck/${encodeURIComponent(dead.idempotency_key)}/retry`, { as: support, body: {} });
    expect(retry.status).toBe(202);
    await steps.milestoneReaches(contractId, milestoneId, 'refunded');
    expect((await gateway.movements()).refunds.filter((r) => r.metadata.milestoneId === milestoneId)).toHaveLength(1);
    expect((await typesOf(contractId)).filter((t) => t === 'MilestoneRefunded')).toHaveLength(1);
  });

  it('shows the stuck list to support only', async () => {
    for (const as of [employer, trainer, { role: 'finance' as const, id: 'fin_1' }]) {
      expect((await app.api.request('GET', '/v1/admin/payments/stuck', { as })).status).toBe(403);
    }
    expect((await app.api.request('POST', '/v1/admin/payments/stuck/nothing-here/retry', { as: support, body: {} })).status).toBe(404);
    expect((await app.api.request('POST', '/v1/admin/payments/stuck/bad id!/retry', { as: support, body: {} })).status).toBe(400);
  });
});
