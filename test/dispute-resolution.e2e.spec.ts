import { SimulatedPaymentGateway } from '@escrow/payments';
import { eventually, withApp } from './support/app';
import { describeEachDatabase } from './support/databases';
import { employer, lifecycle, support, trainer } from './support/lifecycle';

describeEachDatabase('dispute resolution and refunds over HTTP', (target) => {
  const app = withApp(target, { env: { PLATFORM_FEE_BPS: '1000' } });

  beforeAll(async () => {
    await lifecycle(app.api).setUpBilling();
  });

  const resolvePath = (cid: string, mid: string) => `/v1/contracts/${cid}/milestones/${mid}/resolve`;

  async function disputedMilestone(amount = '150.00') {
    const steps = lifecycle(app.api);
    const { contractId, milestoneId } = await steps.hire(amount);
    await steps.fund(contractId, milestoneId);
    await steps.milestoneReaches(contractId, milestoneId, 'funded');
    const disputed = await app.api.request('POST', `/v1/contracts/${contractId}/milestones/${milestoneId}/dispute`, {
      as: trainer,
      body: { reason: 'the employer went silent' },
    });
    expect(disputed.body).toMatchObject({ status: 'disputed' });
    return { contractId, milestoneId };
  }

  async function moneyMoved(milestoneId: string) {
    const moved = await (await SimulatedPaymentGateway.open(app.db)).movements();
    const mine = <T extends { metadata: { milestoneId: string } }>(rows: T[]) => rows.filter((r) => r.metadata.milestoneId === milestoneId);
    return {
      charges: mine(moved.charges).map((c) => c.amountCents),
      transfers: mine(moved.transfers).map((t) => t.amountCents),
      refunds: mine(moved.refunds).map((r) => r.amountCents),
    };
  }

  async function eventTypes(contractId: string) {
    const history = await app.api.request('GET', `/v1/contracts/${contractId}/events`, { as: support });
    return (history.body.events as { type: string }[]).map((e) => e.type);
  }

  it('release: pays the trainer as an approval would', async () => {
    const { contractId, milestoneId } = await disputedMilestone();
    const resolved = await app.api.request('POST', resolvePath(contractId, milestoneId), { as: support, body: { resolution: 'release', note: 'work verified' } });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'approved' });
    const paid = await lifecycle(app.api).milestoneReaches(contractId, milestoneId, 'paid');
    expect(paid).toMatchObject({ resolution: 'release', fee: '15.00', net: '135.00', refunded: '0.00' });
    expect(await moneyMoved(milestoneId)).toEqual({ charges: [15_000], transfers: [13_500], refunds: [] });
    expect(await eventTypes(contractId)).toEqual(expect.arrayContaining(['MilestoneDisputeResolved', 'MilestonePayoutCompleted']));
  });

  it('refund: returns the whole escrow to the employer, and the contract can then be archived', async () => {
    const { contractId, milestoneId } = await disputedMilestone();
    const resolved = await app.api.request('POST', resolvePath(contractId, milestoneId), { as: support, body: { resolution: 'refund', note: 'not delivered' } });
    expect(resolved.body).toMatchObject({ status: 'disputed' });
    const refunded = await lifecycle(app.api).milestoneReaches(contractId, milestoneId, 'refunded');
    expect(refunded).toMatchObject({ resolution: 'refund', refunded: '150.00', refundPending: '0.00' });
    expect(refunded.refundReference).toMatch(/^re_/);
    expect(await moneyMoved(milestoneId)).toEqual({ charges: [15_000], transfers: [], refunds: [15_000] });
    const archived = await app.api.request('POST', `/v1/contracts/${contractId}/archive`, { as: employer, body: {} });
    expect(archived.body).toMatchObject({ status: 'archived' });
  });

  it('split: the two parts add up to the escrow exactly; the fee applies to the released part only', async () => {
    const { contractId, milestoneId } = await disputedMilestone('150.00');
    const resolved = await app.api.request('POST', resolvePath(contractId, milestoneId), {
      as: support,
      body: { resolution: 'split', trainerAmount: '60.00', note: 'half the batches were usable' },
    });
    expect(resolved.body).toMatchObject({ status: 'approved' });
    const view = await lifecycle(app.api).milestoneReaches(contractId, milestoneId, 'paid');
    expect(view).toMatchObject({ resolution: 'split', fee: '6.00', net: '54.00' });
    // The refund and the payout are separate steps: wait until both have happened.
    const settled = await eventually(async () => {
      const moved = await moneyMoved(milestoneId);
      return moved.refunds.length === 1 && moved.transfers.length === 1 ? moved : undefined;
    }, 'the refund and the payout of the split');
    expect(settled).toEqual({ charges: [15_000], transfers: [5_400], refunds: [9_000] });
    const types = await eventTypes(contractId);
    expect(types.filter((t) => t === 'MilestoneRefunded')).toHaveLength(1);
    expect(types.filter((t) => t === 'MilestonePayoutCompleted')).toHaveLength(1);
  });

  it.each([
    ['a split without trainerAmount', { resolution: 'split', note: 'x' }, 400, /^trainerAmount: /],
    ['trainerAmount with a release', { resolution: 'release', trainerAmount: '10.00', note: 'x' }, 400, /^trainerAmount: /],
    ['an unknown resolution', { resolution: 'halve', note: 'x' }, 400, /^resolution: /],
    ['a missing note', { resolution: 'refund' }, 400, /^note: /],
    ['a split giving the trainer everything', { resolution: 'split', trainerAmount: '150.00', note: 'x' }, 422, /trainerAmount must be more than 0.00 and less than the escrowed 150.00/],
    ['a split above the escrow', { resolution: 'split', trainerAmount: '151.00', note: 'x' }, 422, /trainerAmount/],
  ])('refuses %s, appending nothing', async (_, body, status, message) => {
    const { contractId, milestoneId } = await disputedMilestone();
    const before = (await eventTypes(contractId)).length;
    const refused = await app.api.request('POST', resolvePath(contractId, milestoneId), { as: support, body });
    expect(refused.status).toBe(status);
    expect(refused.body.message).toMatch(message);
    expect((await eventTypes(contractId)).length).toBe(before);
  });

  it('only support resolves, and only a disputed milestone', async () => {
    const { contractId, milestoneId } = await disputedMilestone();
    const asEmployer = await app.api.request('POST', resolvePath(contractId, milestoneId), { as: employer, body: { resolution: 'refund', note: 'x' } });
    expect(asEmployer.status).toBe(403);
    const steps = lifecycle(app.api);
    const other = await steps.hire('20.00');
    const notDisputed = await app.api.request('POST', resolvePath(other.contractId, other.milestoneId), { as: support, body: { resolution: 'refund', note: 'x' } });
    expect(notDisputed.status).toBe(409);
    expect(notDisputed.body.message).toMatch(/its status is pending/);
  });
});
