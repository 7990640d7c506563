import { SimulatedCrash, type SagaCrashPoint, type SagaFaults } from '@escrow/payment-process';
import { SimulatedPaymentGateway } from '@escrow/payments';
import { startApp, type RunningApp } from './support/app';
import { describeEachDatabase, withDatabase } from './support/databases';
import { employer, lifecycle } from './support/lifecycle';

/** Kills the saga once, at one point, for one event type: what a process killed there leaves behind. */
class CrashOnce implements SagaFaults {
  private fired = false;
  readonly crashed: Promise<void>;
  private resolveCrashed!: () => void;

  constructor(
    private readonly point: SagaCrashPoint,
    private readonly eventType: string,
  ) {
    this.crashed = new Promise((resolve) => (this.resolveCrashed = resolve));
  }

  maybeCrash(point: SagaCrashPoint, eventType: string): void {
    if (this.fired || point !== this.point || eventType !== this.eventType) return;
    this.fired = true;
    this.resolveCrashed();
    throw new SimulatedCrash(point);
  }
}

describeEachDatabase('restart safety', (target) => {
  const database = withDatabase(target);

  async function countTypes(api: RunningApp, contractId: string) {
    const history = await api.request('GET', `/v1/contracts/${contractId}/events`, { as: employer });
    const counts: Record<string, number> = {};
    for (const e of history.body.events as { type: string }[]) counts[e.type] = (counts[e.type] ?? 0) + 1;
    return counts;
  }

  async function moneyMovedFor(milestoneId: string) {
    const moved = await (await SimulatedPaymentGateway.open(database.db)).movements();
    return {
      charges: moved.charges.filter((c) => c.metadata.milestoneId === milestoneId).length,
      transfers: moved.transfers.filter((t) => t.metadata.milestoneId === milestoneId).length,
    };
  }

  const crashes: [SagaCrashPoint, string][] = [
    ['after_gateway_call', 'MilestoneFundingRequested'],
    ['after_outcome_append', 'MilestoneFundingRequested'],
    ['after_gateway_call', 'MilestoneApproved'],
    ['after_outcome_append', 'MilestoneApproved'],
  ];

  it.each(crashes)('a process dying %s of %s restarts and completes the lifecycle, charging and paying once', async (point, eventType) => {
    const faults = new CrashOnce(point, eventType);
    let api = await startApp(database.db, { sagaFaults: faults });
    let steps = lifecycle(api);
    await steps.setUpBilling();
    const { contractId, milestoneId } = await steps.hire('99.99');
    await steps.fund(contractId, milestoneId);

    if (eventType === 'MilestoneApproved') {
      await steps.milestoneReaches(contractId, milestoneId, 'funded');
      await steps.requestApproval(contractId, milestoneId);
      await steps.approve(contractId, milestoneId);
    }
    await faults.crashed;
    await api.close();

    api = await startApp(database.db);
    steps = lifecycle(api);
    if (eventType === 'MilestoneFundingRequested') {
      await steps.milestoneReaches(contractId, milestoneId, 'funded');
      await steps.requestApproval(contractId, milestoneId);
      await steps.approve(contractId, milestoneId);
    }
    await steps.milestoneReaches(contractId, milestoneId, 'paid');
    expect(await countTypes(api, contractId)).toMatchObject({ MilestoneFunded: 1, MilestonePayoutCompleted: 1 });
    expect(await moneyMovedFor(milestoneId)).toEqual({ charges: 1, transfers: 1 });
    await api.close();
  });

  it('a connection reset after the provider applied a charge or transfer is retried without moving money twice', async () => {
    const gateway = await SimulatedPaymentGateway.open(database.db);
    gateway.injectFault({ kind: 'charge', when: 'after_apply', times: 2 });
    gateway.injectFault({ kind: 'transfer', when: 'after_apply', times: 2 });
    // Retried sooner than by default: what is tested is that the retries move no money twice.
    const api = await startApp(database.db, { gateway, env: { PAYMENT_RETRY_BASE_MS: '10' } });
    const steps = lifecycle(api);
    await steps.setUpBilling();
    const { contractId, milestoneId } = await steps.hire('10.00');
    await steps.fund(contractId, milestoneId);
    await steps.milestoneReaches(contractId, milestoneId, 'funded');
    await steps.requestApproval(contractId, milestoneId);
    await steps.approve(contractId, milestoneId);
    await steps.milestoneReaches(contractId, milestoneId, 'paid');
    expect(await moneyMovedFor(milestoneId)).toEqual({ charges: 1, transfers: 1 });
    await api.close();
  });

  it('an app stopped with work in flight resumes it from its checkpoints on the next start', async () => {
    let api = await startApp(database.db);
    const steps = lifecycle(api);
    await steps.setUpBilling();
    const contracts = await Promise.all(Array.from({ length: 5 }, () => steps.hire(`${1 + Math.floor(Math.random() * 90)}.00`)));
    await Promise.all(contracts.map(({ contractId, milestoneId }) => steps.fund(contractId, milestoneId)));
    await api.close(); // some charges done, some not yet

    api = await startApp(database.db);
    for (const { contractId, milestoneId } of contracts) {
      await lifecycle(api).milestoneReaches(contractId, milestoneId, 'funded');
      expect(await moneyMovedFor(milestoneId)).toEqual({ charges: 1, transfers: 0 });
    }
    await api.close();
  });
});
