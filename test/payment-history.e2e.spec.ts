import type { Actor } from '@escrow/domain';
import { eventually, withApp } from './support/app';
import { describeEachDatabase } from './support/databases';
import { employer, lifecycle, otherEmployer, otherTrainer, support, trainer } from './support/lifecycle';

const finance: Actor = { role: 'finance', id: 'fin_1' };
const service: Actor = { role: 'service', id: 'svc_reports' };

interface PaymentBody {
  milestoneId: string;
  milestoneName: string;
  status: string;
  amount: string;
  fee: string;
  net: string;
  transferId: string | null;
  [field: string]: unknown;
}

interface HistoryBody {
  contractId: string;
  payments: PaymentBody[];
  refunds: unknown[];
}

describeEachDatabase('payment history over HTTP', (target) => {
  const app = withApp(target, { env: { PLATFORM_FEE_BPS: '1000' } });

  beforeAll(async () => {
    await lifecycle(app.api).setUpBilling();
  });

  const paymentsPath = (cid: string) => `/v1/contracts/${cid}/payments`;
  const milestonePath = (cid: string, mid: string, action: string) => `/v1/contracts/${cid}/milestones/${mid}/${action}`;

  /** Polls the payment history until `ready` holds for it. */
  function paymentsWhen(cid: string, ready: (body: HistoryBody) => boolean, what: string): Promise<HistoryBody> {
    return eventually(async () => {
      const response = await app.api.request<HistoryBody>('GET', paymentsPath(cid), { as: employer });
      expect(response.status).toBe(200);
      return ready(response.body) ? response.body : undefined;
    }, what);
  }

  it('shows the paid milestone with amount, fee, net, dates and the transfer reference', async () => {
    const steps = lifecycle(app.api);
    const { contractId, milestoneId, position } = await steps.hire('150.00');
    const empty = await app.api.request('GET', `${paymentsPath(contractId)}?minPosition=${position}`, { as: employer });
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({ contractId, payments: [], refunds: [] });

    await steps.fund(contractId, milestoneId);
    await steps.milestoneReaches(contractId, milestoneId, 'funded');
    await steps.requestApproval(contractId, milestoneId);
    const approved = await steps.approve(contractId, milestoneId);
    const justApproved = await app.api.request('GET', `${paymentsPath(contractId)}?minPosition=${approved.position}`, { as: employer });
    expect(justApproved.body.payments).toEqual([expect.objectContaining({ milestoneId, amount: '150.00', fee: '15.00', net: '135.00' })]);

    const view = await steps.milestoneReaches(contractId, milestoneId, 'paid');
    const body = await paymentsWhen(contractId, (b) => b.payments[0]?.status === 'paid', 'the payment to be paid');
    expect(body).toMatchObject({ contractId, projectName: 'Reward model eval', currency: 'USD', refunds: [] });
    expect(body.payments).toEqual([
      {
        milestoneId,
        milestoneName: 'Batch 1',
        status: 'paid',
        amount: '150.00',
        fee: '15.00',
        net: '135.00',
        feeBps: 1000,
        currency: 'USD',
        resolution: null,
        approvedAt: view.approvedAt,
        paidAt: view.paidAt,
        transferId: view.transferReference,
        chargeId: view.chargeReference,
      },
    ]);
    expect(body.payments[0]!.transferId).toMatch(/^tr_/);
  });

  it('shows the released part of a split dispute and the refund of the rest', async () => {
    const steps = lifecycle(app.api);
    const { contractId, milestoneId } = await steps.hire('200.00');
    await steps.fund(contractId, milestoneId);
    await steps.milestoneReaches(contractId, milestoneId, 'funded');
    const disputed = await app.api.request('POST', milestonePath(contractId, milestoneId, 'dispute'), { as: employer, body: { reason: 'half of it is missing' } });
    expect(disputed.status).toBe(200);
    const resolved = await app.api.request('POST', milestonePath(contractId, milestoneId, 'resolve'), {
      as: support,
      body: { resolution: 'split', trainerAmount: '50.00', note: 'half delivered' },
    });
    expect(resolved.status).toBe(200);
    const body = await paymentsWhen(contractId, (b) => b.payments[0]?.status === 'paid' && b.refunds.length === 1, 'the split to be paid and refunded');
    expect(body.payments).toEqual([
      expect.objectContaining({ milestoneId, resolution: 'split', status: 'paid', amount: '50.00', fee: '5.00', net: '45.00', transferId: expect.stringMatching(/^tr_/) }),
    ]);
    expect(body.refunds).toEqual([
      { milestoneId, milestoneName: 'Batch 1', amount: '150.00', currency: 'USD', refundId: expect.stringMatching(/^re_/), chargeId: expect.any(String), refundedAt: expect.any(String) },
    ]);
  });

  it('lets the parties, support, finance and services read it; refuses everyone else', async () => {
    const { contractId, position } = await lifecycle(app.api).hire('20.00');
    const read = (as: Actor) => app.api.request('GET', `${paymentsPath(contractId)}?minPosition=${position}`, { as });
    for (const reader of [employer, trainer, support, finance, service]) expect((await read(reader)).status).toBe(200);
    for (const stranger of [otherEmployer, otherTrainer]) {
      const refused = await read(stranger);
      expect(refused.status).toBe(403);
      expect(refused.body).toMatchObject({ statusCode: 403, error: 'Forbidden', message: expect.stringContaining('payments') });
    }
    const unknown = await app.api.request('GET', paymentsPath('no_such_contract'), { as: finance });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ statusCode: 404, error: 'Not Found', message: expect.stringContaining('no_such_contract') });
    expect((await app.api.request('GET', paymentsPath(contractId))).status).toBe(401);
    const badId = await app.api.request('GET', paymentsPath('bad%20id'), { as: finance });
    expect(badId.status).toBe(400);
    expect(badId.body.message).toMatch(/^cid:/);
    const badPosition = await app.api.request('GET', `${paymentsPath(contractId)}?minPosition=later`, { as: finance });
    expect(badPosition.status).toBe(400);
    expect(badPosition.body.message).toMatch(/^minPosition:/);
  });

  // Last: a contract stream of more than 10 events (see the report on readStream ordering).
  it('orders payments by approval, not by milestone creation, and leaves unapproved milestones out', async () => {
    const steps = lifecycle(app.api);
    const { contractId, milestoneId: first } = await steps.hire('100.00');
    const added = await app.api.request('POST', `/v1/contracts/${contractId}/milestones`, { as: employer, body: { name: 'Batch 2', amount: '40.00' } });
    expect(added.status).toBe(201);
    const third = await app.api.request('POST', `/v1/contracts/${contractId}/milestones`, { as: employer, body: { name: 'Batch 3', amount: '10.00' } });
    expect(third.status).toBe(201);
    const second: string = added.body.milestoneId;
    for (const mid of [first, second]) {
      await steps.fund(contractId, mid);
      await steps.milestoneReaches(contractId, mid, 'funded');
      await steps.requestApproval(contractId, mid);
    }
    await steps.approve(contractId, second);
    await steps.approve(contractId, first);
    const body = await paymentsWhen(contractId, (b) => b.payments.length === 2 && b.payments.every((p) => p.status === 'paid'), 'both payments paid');
    expect(body.payments.map((p) => [p.milestoneName, p.amount, p.fee, p.net])).toEqual([
      ['Batch 2', '40.00', '4.00', '36.00'],
      ['Batch 1', '100.00', '10.00', '90.00'],
    ]);
  });
});
