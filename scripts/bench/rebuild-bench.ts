import { randomUUID } from 'node:crypto';
import { contractStream, usd, type ContractEvent } from '@escrow/domain';
import { PostgresEventStore, type EventToAppend } from '@escrow/event-store';
import { projections } from '@escrow/projections/registry';
import { rebuildProjection, rebuildProjections, type RebuildProgress } from '@escrow/projector';
import type { SqlDb } from '@escrow/sql';

export interface RebuildResult {
  readonly projection: string;
  readonly events: number;
  readonly eventsPerSecond: number;
}

/** The events of one paid milestone's whole life, as the app writes them. */
function paidMilestone(): ContractEvent[] {
  const contractId = randomUUID();
  const milestoneId = randomUUID();
  const ref = { contractId, milestoneId };
  const amount = usd(15_000);
  return [
    { type: 'ContractCreated', data: { contractId, employerId: 'emp_bench', trainerId: 'tr_bench', projectName: 'Bench' } },
    { type: 'MilestoneCreated', data: { ...ref, name: 'M', description: null, amount, dueDate: null } },
    { type: 'MilestoneFundingRequested', data: { ...ref, employerId: 'emp_bench', amount, customerId: 'cus_b', paymentMethodId: 'pm_card_visa' } },
    { type: 'MilestoneFunded', data: { ...ref, amount, paymentIntentId: `pi_${milestoneId}`, chargeId: `ch_${milestoneId}` } },
    { type: 'MilestoneApprovalRequested', data: { ...ref, trainerId: 'tr_bench', note: null } },
    { type: 'MilestoneApproved', data: { ...ref, trainerId: 'tr_bench', amount, fee: usd(1_500), net: usd(13_500), feeBps: 1_000, chargeId: `ch_${milestoneId}`, reason: 'employer' } },
    { type: 'MilestonePayoutCompleted', data: { ...ref, trainerId: 'tr_bench', amount: usd(13_500), transferId: `tr_${milestoneId}`, destinationAccountId: 'acct_b' } },
  ];
}

async function seed(store: PostgresEventStore, contracts: number): Promise<number> {
  const occurredAt = new Date().toISOString();
  let events = 0;
  for (let i = 0; i < contracts; i++) {
    const lifecycle = paidMilestone();
    const contractId = (lifecycle[0]!.data as { contractId: string }).contractId;
    const toAppend: EventToAppend[] = lifecycle.map((event) => ({
      eventId: randomUUID(),
      type: event.type,
      data: event.data,
      metadata: { contractId, actor: { role: 'service', id: 'bench' }, correlationId: contractId, causationId: contractId, occurredAt, schemaVersion: 1 },
    }));
    await store.append(contractStream(contractId), toAppend, 'no_stream');
    events += toAppend.length;
  }
  return events;
}

/** Seeds `contracts` paid lifecycles, then rebuilds every read model from position 0 (one by one, then all in one pass). */
export async function rebuildBench(db: SqlDb, contracts: number): Promise<{ results: RebuildResult[]; rssPeakMb: number; oneByOneSeconds: number; onePassSeconds: number }> {
  const store = await PostgresEventStore.open(db);
  const events = await seed(store, contracts);
  const results: RebuildResult[] = [];
  // The process's resident memory while the rebuilds run (PGlite's database is inside it too).
  let rssPeak = process.memoryUsage().rss;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 50);
  const rate = (done: RebuildProgress) => Math.round((done.applied * 1000) / Math.max(1, done.elapsedMs));
  let oneByOneMs = 0;
  for (const projection of projections) {
    const done = await rebuildProjection(store, db, projection);
    oneByOneMs += done.elapsedMs;
    results.push({ projection: projection.name, events, eventsPerSecond: rate(done) });
  }
  // Every read model in one pass (npm run projections:rebuild -- all): each advanced through the whole log in that time.
  const together = await rebuildProjections(store, db, projections);
  const slowest = together.reduce((a, b) => (rate(a) <= rate(b) ? a : b));
  results.push({ projection: `all ${projections.length} in one pass (each)`, events, eventsPerSecond: rate(slowest) });
  const passMs = slowest.elapsedMs;
  clearInterval(sampler);
  await store.close();
  return { results, rssPeakMb: Math.round(rssPeak / 2 ** 20), oneByOneSeconds: oneByOneMs / 1000, onePassSeconds: passMs / 1000 };
}
