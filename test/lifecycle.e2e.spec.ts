import { SimulatedPaymentGateway } from '@escrow/payments';
import { withApp } from './support/app';
import { describeEachDatabase } from './support/databases';
import { employer, lifecycle, trainer } from './support/lifecycle';

describeEachDatabase('milestone lifecycle over HTTP', (target) => {
  const app = withApp(target, { env: { PLATFORM_FEE_BPS: '1000' } });

  it('goes Created → Funded → Approval requested → Approved → Paid, charging and paying exactly once', async () => {
    const steps = lifecycle(app.api);
    await steps.setUpBilling();
    const { contractId, milestoneId, position } = await steps.hire('150.00');

    const created = await app.api.request('GET', `/v1/contracts/${contractId}?minPosition=${position}`, { as: employer });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      contractId,
      projectName: 'Reward model eval',
      employerId: employer.id,
      trainerId: trainer.id,
      status: 'active',
      milestones: [{ milestoneId, name: 'Batch 1', description: '500 prompts', amount: '150.00', dueDate: '2026-12-31', status: 'pending' }],
    });

    await steps.fund(contractId, milestoneId);
    const funded = await steps.milestoneReaches(contractId, milestoneId, 'funded');
    expect(funded.paymentReference).toMatch(/^pi_/);
    expect(funded.fundedAt).toEqual(expect.any(String));

    await steps.requestApproval(contractId, milestoneId);
    await steps.approve(contractId, milestoneId);
    const paid = await steps.milestoneReaches(contractId, milestoneId, 'paid');
    expect(paid).toMatchObject({ amount: '150.00', fee: '15.00', net: '135.00' });
    expect(paid.transferReference).toMatch(/^tr_/);

    const history = await app.api.request('GET', `/v1/contracts/${contractId}/events`, { as: employer });
    expect(history.body.events.map((e: { type: string }) => e.type)).toEqual([
      'ContractCreated',
      'MilestoneCreated',
      'MilestoneFundingRequested',
      'MilestoneFunded',
      'MilestoneApprovalRequested',
      'MilestoneApproved',
      'MilestonePayoutCompleted',
    ]);
    const funding = history.body.events[3];
    expect(funding.metadata).toMatchObject({ actor: { role: 'service', id: 'payment-saga' }, contractId, milestoneId, schemaVersion: 1 });
    expect(funding.metadata.causationId).toBe(history.body.events[2].metadata.eventId);

    const gateway = await SimulatedPaymentGateway.open(app.db);
    const moved = await gateway.movements();
    expect(moved.charges.filter((c) => c.metadata.milestoneId === milestoneId).map((c) => c.amountCents)).toEqual([15_000]);
    expect(moved.transfers.filter((t) => t.metadata.milestoneId === milestoneId).map((t) => t.amountCents)).toEqual([13_500]);
  });
});
