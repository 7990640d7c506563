import {
  assert,
  contractStreamPrefix,
  domainEventOf,
  readEventMetadata,
  typesUsedFor,
  type EventTypeUses,
  type StoredEvent,
} from '@escrow/domain';
import type { EventStore, RecordedEvent } from '@escrow/event-store';
import type { RecordedCharge, RecordedMovements, RecordedRefund, RecordedTransfer } from '@escrow/payments';

/**
 * What reconciliation does with each event type of the catalog: the events where our log records
 * money the provider moved are 'money'. tsc refuses the table until a new type is decided.
 */
export const reconciliationEventUses = {
  ContractCreated: 'ignored',
  MilestoneCreated: 'ignored',
  MilestoneFundingRequested: 'ignored',
  MilestoneFunded: 'money',
  MilestoneFundingPending: 'ignored',
  MilestoneFundingFailed: 'ignored',
  MilestoneApprovalRequested: 'ignored',
  MilestoneApproved: 'ignored',
  MilestoneAutoReleaseReminderSent: 'ignored',
  MilestonePayoutCompleted: 'money',
  MilestonePayoutFailed: 'ignored',
  MilestoneDisputed: 'ignored',
  MilestoneChargebackOpened: 'ignored',
  MilestoneChargebackClosed: 'ignored',
  MilestoneDisputeResolved: 'ignored',
  MilestoneRefunded: 'money',
  MilestoneCancelled: 'ignored',
  ContractArchived: 'ignored',
  MilestoneSupportNoteAdded: 'ignored',
  EmployerCustomerCreated: 'ignored',
  // Subscription billing is not escrow money: never reconciled against milestone movements.
  EmployerAccountTypeSet: 'ignored',
  EmployerSubscriptionStarted: 'ignored',
  EmployerSubscriptionUpdated: 'ignored',
  EmployerSubscriptionCanceled: 'ignored',
  EmployerPaymentMethodAttached: 'ignored',
  TrainerPayoutAccountConnected: 'ignored',
  TrainerPayoutAccountUpdated: 'ignored',
} as const satisfies EventTypeUses<'money'>;

export const moneyEventTypes = typesUsedFor(reconciliationEventUses, 'money');

/** Events read per query, so memory per round trip stays flat however long the log. */
export const logReadPageSize = 1_000;

type EventLike = Pick<StoredEvent, 'eventId' | 'type' | 'data' | 'metadata' | 'position'>;

/** Our whole log's money movements, keyed by the provider's ids. Pure. */
export function recordedMovementsFrom(events: Iterable<EventLike>): RecordedMovements {
  const charges: RecordedCharge[] = [];
  const transfers: RecordedTransfer[] = [];
  const refunds: RecordedRefund[] = [];
  for (const stored of events) {
    const event = domainEventOf(stored, moneyEventTypes);
    if (event === null) continue;
    // A report that guessed the time would be wrong quietly: an event without one stops it.
    const occurredAt = new Date(readEventMetadata(stored).occurredAt);
    assert(!Number.isNaN(occurredAt.getTime()), `${stored.type} ${stored.eventId} has a valid occurredAt`);
    const common = { contractId: event.data.contractId, milestoneId: event.data.milestoneId, amountCents: event.data.amount.amountCents, occurredAt };
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
