import { randomBytes, randomUUID } from 'node:crypto';
import { contractStream, schemaVersionOf, usd } from '@escrow/domain';
import type { EventStore, EventToAppend } from '@escrow/event-store';

// Events shaped like the ones the command handler writes.

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const stripeId = (prefix: string) => `${prefix}_3P${randomBytes(18).toString('base64url').slice(0, 22)}`;

/** One paid milestone's whole life (7 events), with the metadata the command handler adds: about 600 bytes of data and metadata each. */
export function paidMilestone(contractId: string = randomUUID()): EventToAppend[] {
  const milestoneId = randomUUID();
  const employerId = `emp_${hex(6)}`;
  const trainerId = `tr_${hex(6)}`;
  const ref = { contractId, milestoneId };
  const amount = usd(250_000);
  const fee = usd(25_000);
  const chargeId = stripeId('ch');
  const correlationId = randomUUID();
  const employer = { role: 'employer', id: employerId };
  const trainer = { role: 'trainer', id: trainerId };
  const service = { role: 'service', id: 'payment-saga' };
  const events: Array<[string, unknown, { role: string; id: string }]> = [
    ['ContractCreated', { contractId, employerId, trainerId, projectName: 'Support-ticket sentiment labels' }, employer],
    ['MilestoneCreated', { ...ref, name: 'Batch 1', description: '5,000 tickets, 3 labels each', amount, dueDate: '2027-01-15' }, employer],
    ['MilestoneFundingRequested', { ...ref, employerId, amount, customerId: `cus_${hex(7)}`, paymentMethodId: stripeId('pm') }, employer],
    ['MilestoneFunded', { ...ref, amount, paymentIntentId: stripeId('pi'), chargeId }, service],
    ['MilestoneApprovalRequested', { ...ref, trainerId, note: 'Agreement 0.86 on the audit sample' }, trainer],
    ['MilestoneApproved', { ...ref, trainerId, amount, fee, net: usd(225_000), feeBps: 1_000, chargeId, reason: 'employer' }, employer],
    ['MilestonePayoutCompleted', { ...ref, trainerId, amount: usd(225_000), transferId: stripeId('tr'), destinationAccountId: `acct_${hex(8)}` }, service],
  ];
  let causationId = correlationId;
  return events.map(([type, data, actor]) => {
    const eventId = randomUUID();
    const { milestoneId: inData } = data as { milestoneId?: string };
    const metadata = {
      eventId,
      contractId,
      ...(inData ? { milestoneId } : {}),
      actor,
      correlationId,
      causationId,
      occurredAt: new Date().toISOString(),
      schemaVersion: schemaVersionOf(type),
    };
    causationId = eventId;
    return { eventId, type, data, metadata };
  });
}

const seedWritersCount = 8;

/** Appends whole lifecycles (one append per contract, several writers at once) until `count` events are in. */
export async function seedLog(store: EventStore, count: number): Promise<void> {
  let planned = 0;
  await Promise.all(
    Array.from({ length: seedWritersCount }, async () => {
      while (planned < count) {
        const contractId = randomUUID();
        const events = paidMilestone(contractId).slice(0, count - planned);
        planned += events.length;
        await store.append(contractStream(contractId), events, 'no_stream');
      }
    }),
  );
}
