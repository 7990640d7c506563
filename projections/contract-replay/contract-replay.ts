import { Money, readEventMetadata, type Actor, type ContractEventType, type ContractOpen } from '@escrow/domain';
import type { RecordedEvent } from '@escrow/event-store';
import { postingOf, type JournalTransaction } from '@escrow/ledger';
import {
  contractResponse,
  evolveContractView,
  toViewEvent,
  type ContractViewRecord,
  type MilestoneView,
} from '@escrow/projections/contract-view';

/**
 * Time travel over one contract's stream, for support: pure, no store, no clock. Not a read
 * model (nothing is stored, no registry entry): every call folds the stream it is given.
 *
 * The state after each event is the contract view's own fold (`evolveContractView`), which folds
 * the event with the domain's `evolve`; the postings are the ledger's posting rules (`postingOf`).
 * Nothing here restates a rule: the diff only compares what those two folds hold before and after.
 */

/** The milestone fields a step's diff compares: its status and the amounts the rules move. */
export const replayedFields = ['status', 'amount', 'fee', 'net', 'escrow', 'refundPending', 'refunded'] as const;
export type ReplayedField = (typeof replayedFields)[number];

/** One field of one milestone (or the contract's status, `milestoneId` null) before and after a step. */
export interface ReplayChange {
  readonly milestoneId: string | null;
  readonly field: ReplayedField;
  readonly before: string | null;
  readonly after: string | null;
}

/** The Stripe objects an event names (only those present). */
export interface StripeReferences {
  customerId?: string;
  paymentMethodId?: string;
  paymentIntentId?: string;
  chargeId?: string;
  transferId?: string;
  destinationAccountId?: string;
  refundId?: string;
  disputeId?: string;
}

export interface ReplayPosting {
  readonly transactionId: string;
  readonly stripeReference: string;
  readonly entries: readonly { account: string; debit: string; credit: string }[];
}

export interface ReplayStep {
  readonly position: string;
  readonly revision: number;
  readonly eventId: string;
  readonly occurredAt: string;
  readonly type: ContractEventType;
  readonly actor: Actor | null;
  readonly correlationId: string | null;
  readonly causationId: string | null;
  readonly stripe: StripeReferences;
  /** The event's data as stored (notes, reasons, amounts in cents). */
  readonly data: unknown;
  /** The contract as GET /v1/contracts/:cid showed it right after this event. */
  readonly contract: ReturnType<typeof contractResponse>;
  readonly changes: readonly ReplayChange[];
  /** The journal transaction the posting rules make of this event, or null when it moves no money. */
  readonly posting: ReplayPosting | null;
}

/** The fold of a stretch of the stream: the record after its last event (null before the first). */
export function foldContractView(events: readonly RecordedEvent[]): ContractViewRecord | null {
  let record: ContractViewRecord | null = null;
  for (const recorded of events) {
    const viewEvent = toViewEvent(recorded);
    if (viewEvent !== null) record = evolveContractView(record, viewEvent);
  }
  return record;
}

/** The contract's history as steps, one per contract event of `events` (one stream, in order). */
export function replayContract(events: readonly RecordedEvent[]): ReplayStep[] {
  const steps: ReplayStep[] = [];
  let record: ContractViewRecord | null = null;
  for (const recorded of events) {
    const viewEvent = toViewEvent(recorded);
    if (viewEvent === null) continue;
    const after = evolveContractView(record, viewEvent);
    const metadata = readEventMetadata(recorded);
    steps.push({
      position: recorded.position,
      revision: recorded.revision,
      eventId: recorded.eventId,
      occurredAt: viewEvent.occurredAt,
      type: viewEvent.event.type,
      actor: metadata.actor ?? null,
      correlationId: metadata.correlationId ?? null,
      causationId: metadata.causationId ?? null,
      stripe: stripeReferencesOf(viewEvent.event.data),
      data: viewEvent.event.data,
      contract: contractResponse(after.view),
      changes: changesBetween(record, after),
      posting: replayPosting(postingOf(recorded)),
    });
    record = after;
  }
  return steps;
}

/** What a step changed: the contract's status and each milestone's status and amounts. */
export function changesBetween(before: ContractViewRecord | null, after: ContractViewRecord): ReplayChange[] {
  const changes: ReplayChange[] = [];
  const contractBefore = before?.view.status ?? null;
  if (contractBefore !== after.view.status) changes.push({ milestoneId: null, field: 'status', before: contractBefore, after: after.view.status });
  for (const milestone of after.view.milestones) {
    const was = before?.view.milestones.find((m) => m.milestoneId === milestone.milestoneId) ?? null;
    const old = was === null ? absent : fieldsOf(was, before!.state);
    const now = fieldsOf(milestone, after.state);
    for (const field of replayedFields) {
      if (old[field] !== now[field]) changes.push({ milestoneId: milestone.milestoneId, field, before: old[field], after: now[field] });
    }
  }
  return changes;
}

type Fields = Record<ReplayedField, string | null>;

/** A milestone before it exists: nothing held, nothing refunded. */
const absent: Fields = { status: null, amount: null, fee: null, net: null, escrow: Money.format(0), refundPending: Money.format(0), refunded: Money.format(0) };

function fieldsOf(milestone: MilestoneView, state: ContractOpen): Fields {
  const escrowCents = state.milestones[milestone.milestoneId]?.escrowCents ?? 0;
  return {
    status: milestone.status,
    amount: Money.format(milestone.amountCents),
    fee: milestone.feeCents === null ? null : Money.format(milestone.feeCents),
    net: milestone.netCents === null ? null : Money.format(milestone.netCents),
    escrow: Money.format(escrowCents),
    refundPending: Money.format(milestone.refundPendingCents),
    refunded: Money.format(milestone.refundedCents),
  };
}

function replayPosting(transaction: JournalTransaction | null): ReplayPosting | null {
  if (transaction === null) return null;
  return {
    transactionId: transaction.transactionId,
    stripeReference: transaction.stripeReference,
    entries: transaction.entries.map(({ account, debitCents, creditCents }) => ({
      account,
      debit: Money.format(debitCents),
      credit: Money.format(creditCents),
    })),
  };
}

const stripeFields = ['customerId', 'paymentMethodId', 'paymentIntentId', 'chargeId', 'transferId', 'destinationAccountId', 'refundId', 'disputeId'] as const;

/** The Stripe ids an event's data names, at its top level or in its chargeback. */
export function stripeReferencesOf(data: object): StripeReferences {
  const references: StripeReferences = {};
  const read = (source: Record<string, unknown>) => {
    for (const field of stripeFields) {
      const value = source[field];
      if (typeof value === 'string' && references[field] === undefined) references[field] = value;
    }
  };
  const fields = data as Record<string, unknown>;
  read(fields);
  const chargeback = fields.chargeback;
  if (typeof chargeback === 'object' && chargeback !== null) read(chargeback as Record<string, unknown>);
  return references;
}
