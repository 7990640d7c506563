import { createHash } from 'node:crypto';
import { contractStream, usd, type ContractEvent } from '@escrow/domain';
import type { RecordedEvent } from '@escrow/event-store';

/**
 * A realistic, deterministic log for batch-vs-single-event tests: many contracts whose lifecycles
 * (approvals, payout retries, failed fundings, disputes resolved every way, refunds,
 * cancellations) are interleaved, so batches of any size cut across contracts and milestones.
 */
export function mixedContractLog(contracts: number): RecordedEvent[] {
  const perContract = Array.from({ length: contracts }, (_, c) => contractLife(c));
  // Events of other writers pass through too, so the log holds any type, not only ContractEvent.
  const log: { streamId: string; event: { type: string; data: unknown } }[] = [];
  for (let round = 0; perContract.some((events) => events.length > 0); round++) {
    perContract.forEach((events, c) => {
      // Uneven interleaving: some contracts move several events ahead at once.
      const take = 1 + ((round + c) % 3);
      for (const event of events.splice(0, take)) log.push({ streamId: contractStream(`c_${c}`), event });
    });
    // Events the read models do not know at all also pass through.
    if (round % 5 === 0) log.push({ streamId: 'billing-x', event: { type: 'SomethingElseHappened', data: { round } } });
  }
  const revisions = new Map<string, number>();
  return log.map(({ streamId, event }, i) => {
    const revision = revisions.get(streamId) ?? 0;
    revisions.set(streamId, revision + 1);
    const at = new Date(Date.UTC(2026, 2, 1, 9, 0, i)).toISOString();
    return {
      eventId: uuidFrom(`event-${i}`),
      type: event.type,
      data: event.data,
      metadata: { occurredAt: at },
      streamId,
      revision,
      position: String(i + 1).padStart(12, '0'),
      recordedAt: at,
    };
  });
}

function contractLife(c: number): ContractEvent[] {
  const contractId = `c_${c}`;
  const employerId = `emp_${c % 4}`;
  const trainerId = `tr_${c % 3}`;
  const events: ContractEvent[] = [{ type: 'ContractCreated', data: { contractId, employerId, trainerId, projectName: `Project "${c}" — ünïcode` } }];
  const milestones = 1 + (c % 4);
  for (let k = 0; k < milestones; k++) events.push(...milestoneLife(contractId, employerId, trainerId, `m_${k}`, (c + k) % 6));
  return events;
}

function milestoneLife(contractId: string, employerId: string, trainerId: string, milestoneId: string, kind: number): ContractEvent[] {
  const ref = { contractId, milestoneId };
  const amount = usd(15_000);
  const chargeId = `ch_${contractId}_${milestoneId}`;
  const created: ContractEvent = { type: 'MilestoneCreated', data: { ...ref, name: `Milestone ${milestoneId}`, description: null, amount, dueDate: null } };
  const requested: ContractEvent = { type: 'MilestoneFundingRequested', data: { ...ref, employerId, amount, customerId: 'cus_1', paymentMethodId: 'pm_1' } };
  const funded: ContractEvent = { type: 'MilestoneFunded', data: { ...ref, amount, paymentIntentId: `pi_${chargeId}`, chargeId } };
  const askApproval = (note: string | null): ContractEvent => ({ type: 'MilestoneApprovalRequested', data: { ...ref, trainerId, note } });
  const payout = (cents: number): ContractEvent => ({
    type: 'MilestonePayoutCompleted',
    data: { ...ref, trainerId, amount: usd(cents), transferId: `tr_${chargeId}`, destinationAccountId: 'acct_1' },
  });
  const disputed = (disputedBy: 'employer' | 'trainer' | 'service'): ContractEvent => ({
    type: 'MilestoneDisputed',
    data: { ...ref, disputedBy, reason: `not as agreed (${disputedBy})`, previousStatus: 'pending_approval', chargeback: null },
  });
  const resolved = (resolution: 'release' | 'refund' | 'split', trainerCents: number, feeCents: number): ContractEvent => ({
    type: 'MilestoneDisputeResolved',
    data: {
      ...ref, resolution, trainerId, trainerAmount: usd(trainerCents), refundAmount: usd(15_000 - trainerCents),
      fee: usd(feeCents), net: usd(trainerCents - feeCents), feeBps: 1_000, chargeId, note: 'settled',
    },
  });
  const refunded = (cents: number): ContractEvent => ({ type: 'MilestoneRefunded', data: { ...ref, amount: usd(cents), refundId: `re_${chargeId}`, chargeId } });
  const approvedFor = (reason: 'employer' | 'auto_release'): ContractEvent => ({
    type: 'MilestoneApproved',
    data: { ...ref, trainerId, amount, fee: usd(1_500), net: usd(13_500), feeBps: 1_000, chargeId, reason },
  });
  const approved = approvedFor('employer');
  // Left unanswered: the employer reminded 7 and 1 days before, then the service approves.
  const reminded = (daysBefore: number): ContractEvent => ({
    type: 'MilestoneAutoReleaseReminderSent',
    data: { ...ref, employerId, trainerId, daysBefore, releaseAt: '2026-03-15T09:00:00.000Z' },
  });
  const autoApproved = approvedFor('auto_release');
  switch (kind) {
    case 0:
      return [created, requested, funded, askApproval(null), approved, payout(13_500)];
    case 1:
      return [
        created, requested, funded, askApproval('all done'), reminded(7), reminded(1), autoApproved,
        { type: 'MilestonePayoutFailed', data: { ...ref, trainerId, reason: 'account restricted', retryable: true, attempt: 1 } },
        payout(13_500),
      ];
    case 2:
      return [
        created, requested,
        { type: 'MilestoneFundingFailed', data: { ...ref, reason: 'card declined', declineCode: 'insufficient_funds', paymentIntentId: null } },
        requested, funded, askApproval(null), disputed('employer'), resolved('release', 15_000, 1_500), payout(13_500),
      ];
    case 3:
      return [created, requested, funded, disputed('trainer'), resolved('refund', 0, 0), refunded(15_000)];
    case 4:
      return [created, requested, funded, askApproval(null), disputed('service'), resolved('split', 5_000, 500), refunded(10_000), payout(4_500)];
    default:
      return [created, { type: 'MilestoneCancelled', data: { ...ref, reason: null } }];
  }
}

function uuidFrom(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Every row of `tables`, in a stable order, for comparing two databases. */
export async function dumpTables(
  db: { query<R>(sql: string): Promise<{ rows: R[] }> },
  tables: readonly string[],
): Promise<Record<string, unknown[]>> {
  const dump: Record<string, unknown[]> = {};
  for (const table of tables) {
    const { rows } = await db.query<{ row: string }>(`select t::text as row from ${table} t order by 1`);
    dump[table] = rows.map((r) => r.row);
  }
  return dump;
}
