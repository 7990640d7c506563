import { randomUUID } from 'node:crypto';
import { contractStream, usd, type ContractEvent } from '@escrow/domain';
import { PostgresEventStore, type EventToAppend } from '@escrow/event-store';
import { projections } from '@escrow/projections/registry';
import { rebuildProjection } from '@escrow/projector';
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

/** Seeds `contracts` paid lifecycles, then rebuilds every read model from position 0. */
export async function rebuildBench(db: SqlDb, contracts: number): Promise<RebuildResult[]> {
  const store = await PostgresEventStore.open(db);
  const events = await seed(store, contracts);
  const results: RebuildResult[] = [];
  for (const projection of projections) {
    const done = await rebuildProjection(store, db, projection);
    results.push({ projection: projection.name, events, eventsPerSecond: Math.round((done.applied * 1000) / Math.max(1, done.elapsedMs)) });
  }
  await store.close();
  return results;
}
