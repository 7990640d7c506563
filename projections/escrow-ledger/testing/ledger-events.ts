import { randomUUID } from 'node:crypto';
import { contractStream, usd, type ContractEvent } from '@escrow/domain';
import type { EventStore } from '@escrow/event-store';

/**
 * Test-only: writes contract events straight to the store with the metadata the app gives them,
 * so ledger tests can play sequences (refunds, splits, broken data) without the HTTP app.
 */
export function ledgerScript(store: EventStore, startAt = Date.parse('2026-03-01T09:00:00.000Z')) {
  const revisions = new Map<string, number>();
  let clockMs = startAt;

  async function write(event: ContractEvent): Promise<string> {
    const contractId = event.data.contractId;
    clockMs += 60_000;
    const eventId = randomUUID();
    const milestoneId = 'milestoneId' in event.data ? event.data.milestoneId : undefined;
    const expected = revisions.get(contractId) ?? 'no_stream';
    const result = await store.append(
      contractStream(contractId),
      [{
        eventId,
        type: event.type,
        data: event.data,
        metadata: {
          eventId, contractId, ...(milestoneId ? { milestoneId } : {}), actor: { role: 'service', id: 'ledger-test' },
          correlationId: eventId, causationId: eventId, occurredAt: new Date(clockMs).toISOString(), schemaVersion: 1,
        },
      }],
      expected,
    );
    revisions.set(contractId, result.nextExpectedRevision);
    return result.position;
  }

  return {
    write,
    hire: (contractId: string, employerId: string, trainerId: string) =>
      write({ type: 'ContractCreated', data: { contractId, employerId, trainerId, projectName: `Project ${contractId}` } }),
    fund: (contractId: string, milestoneId: string, cents: number) =>
      write({
        type: 'MilestoneFunded',
        data: { contractId, milestoneId, amount: usd(cents), paymentIntentId: `pi_${milestoneId}`, chargeId: `ch_${milestoneId}` },
      }),
    approve: (contractId: string, milestoneId: string, trainerId: string, cents: number, feeCents: number) =>
      write({
        type: 'MilestoneApproved',
        data: {
          contractId, milestoneId, trainerId, amount: usd(cents), fee: usd(feeCents), net: usd(cents - feeCents),
          feeBps: cents === 0 ? 0 : Math.round((feeCents * 10_000) / cents), chargeId: `ch_${milestoneId}`, reason: 'employer',
        },
      }),
    payOut: (contractId: string, milestoneId: string, trainerId: string, netCents: number) =>
      write({
        type: 'MilestonePayoutCompleted',
        data: { contractId, milestoneId, trainerId, amount: usd(netCents), transferId: `tr_${milestoneId}`, destinationAccountId: `acct_${trainerId}` },
      }),
    dispute: (contractId: string, milestoneId: string) =>
      write({ type: 'MilestoneDisputed', data: { contractId, milestoneId, disputedBy: 'employer', reason: 'not as agreed', previousStatus: 'funded', chargeback: null } }),
    resolve: (contractId: string, milestoneId: string, trainerId: string, escrowCents: number, trainerCents: number, feeCents: number) =>
      write({
        type: 'MilestoneDisputeResolved',
        data: {
          contractId, milestoneId, trainerId,
          resolution: trainerCents === 0 ? 'refund' : trainerCents === escrowCents ? 'release' : 'split',
          trainerAmount: usd(trainerCents), refundAmount: usd(escrowCents - trainerCents),
          fee: usd(feeCents), net: usd(trainerCents - feeCents), feeBps: 1000, chargeId: `ch_${milestoneId}`, note: 'support decided',
        },
      }),
    refund: (contractId: string, milestoneId: string, cents: number) =>
      write({
        type: 'MilestoneRefunded',
        data: { contractId, milestoneId, amount: usd(cents), refundId: `re_${milestoneId}_${cents}`, chargeId: `ch_${milestoneId}` },
      }),
  };
}
