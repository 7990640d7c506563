import { assert, contractStreamPrefix, type MilestoneFunded, type MilestonePayoutCompleted, type MilestoneRefunded } from '@escrow/domain';
import type { EventStore, RecordedEvent } from '@escrow/event-store';
import type { RecordedCharge, RecordedMovements, RecordedRefund, RecordedTransfer } from '@escrow/payments';

/** The events where our log records money the provider moved. */
export const moneyEventTypes = ['MilestoneFunded', 'MilestonePayoutCompleted', 'MilestoneRefunded'] as const;

/** Events read per query, so memory per round trip stays flat however long the log. */
export const logReadPageSize = 1_000;

type MoneyEvent = MilestoneFunded | MilestonePayoutCompleted | MilestoneRefunded;
type EventLike = Pick<RecordedEvent, 'type' | 'data' | 'metadata'>;

/** Our whole log's money movements, keyed by the provider's ids. Pure. */
export function recordedMovementsFrom(events: Iterable<EventLike>): RecordedMovements {
  const charges: RecordedCharge[] = [];
  const transfers: RecordedTransfer[] = [];
  const refunds: RecordedRefund[] = [];
  for (const event of events) {
    if (!isMoneyEvent(event)) continue;
    const common = { contractId: event.data.contractId, milestoneId: event.data.milestoneId, amountCents: event.data.amount.amountCents, occurredAt: occurredAtOf(event) };
    switch (event.type) {
      case 'MilestoneFunded':
        charges.push({ ...common, id: event.data.chargeId, paymentIntentId: event.data.paymentIntentId });
        break;
      case 'MilestonePayoutCompleted':
        transfers.push({ ...common, id: event.data.transferId });
        break;
      case 'MilestoneRefunded':
        refunds.push({ ...common, id: event.data.refundId, chargeId: event.data.chargeId });
        break;
      default: {
        const _exhaustive: never = event;
        throw new Error(`unhandled money event ${JSON.stringify(_exhaustive)}`);
      }
    }
  }
  return { charges, transfers, refunds };
}

/** Reads every money event of every contract, oldest first, page by page. */
export async function readRecordedMovements(store: EventStore): Promise<RecordedMovements> {
  const events: RecordedEvent[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await store.readAll({ fromPosition: after, limit: logReadPageSize, filter: { streamPrefixes: [contractStreamPrefix], eventTypes: [...moneyEventTypes] } });
    events.push(...page);
    const last = page.at(-1);
    if (last === undefined || page.length < logReadPageSize) break;
    after = last.position;
  }
  return recordedMovementsFrom(events);
}

function isMoneyEvent(event: EventLike): event is MoneyEvent & EventLike {
  return (moneyEventTypes as readonly string[]).includes(event.type);
}

function occurredAtOf(event: EventLike): Date {
  const occurredAt = event.metadata['occurredAt'];
  assert(typeof occurredAt === 'string', `${event.type} has metadata.occurredAt`);
  const time = new Date(occurredAt);
  assert(!Number.isNaN(time.getTime()), `${event.type} occurredAt ${occurredAt} is a time`);
  return time;
}
