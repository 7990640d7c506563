import {
  assert,
  readDomainEvent,
  typesUsedFor,
  type ContractCreated,
  type DomainEventOfType,
  type DomainEventRecord,
  type EventTypeUses,
  type MilestoneApproved,
  type MilestoneCreated,
  type MilestoneDisputeResolved,
  type MilestoneFunded,
  type MilestonePayoutCompleted,
  type MilestoneRefunded,
  type StoredEvent,
  type TypesUsedFor,
} from '@escrow/domain';
import { billingType, type Invoice, type PaymentStatus } from './invoice';
import { invoiceIdFor, invoiceNumber, seriesOf } from './invoice-numbering';

/**
 * Pure: what the invoices read model keeps from earlier events, and the invoices it issues.
 * Invoices need facts that their issuing event does not carry (project name, milestone name,
 * the fee fixed at approval), so the projection keeps its own small copies of them instead of
 * reading another read model, which could be behind or rebuilt at a different moment.
 */
export interface ContractFacts {
  readonly contractId: string;
  readonly projectName: string;
  readonly employerId: string;
  readonly trainerId: string;
}

export interface MilestoneFacts {
  readonly contractId: string;
  readonly milestoneId: string;
  readonly name: string;
  readonly description: string | null;
  readonly paymentIntentId: string | null;
  readonly chargeId: string | null;
  /** Released to the trainer (gross, before the fee): at approval, or by a dispute resolution. */
  readonly releasedCents: number | null;
  readonly feeCents: number | null;
  readonly netCents: number | null;
  /** The invoice a refund of this milestone's charge applies to. */
  readonly fundingInvoiceId: string | null;
}

export type FactEvent = MilestoneCreated | MilestoneFunded | MilestoneApproved | MilestoneDisputeResolved;

/**
 * What this read model does with each event type of the catalog: tsc refuses the table until a
 * new type is marked 'read' (and handled in the projection's exhaustive `apply`) or 'ignored'.
 */
export const invoiceEventUses = {
  ContractCreated: 'read',
  MilestoneCreated: 'read',
  MilestoneFundingRequested: 'ignored',
  MilestoneFunded: 'read',
  MilestoneFundingPending: 'ignored',
  MilestoneFundingFailed: 'ignored',
  MilestoneApprovalRequested: 'ignored',
  MilestoneApproved: 'read',
  MilestoneAutoReleaseReminderSent: 'ignored',
  MilestonePayoutCompleted: 'read',
  MilestonePayoutFailed: 'ignored',
  MilestoneDisputed: 'ignored',
  MilestoneChargebackOpened: 'ignored',
  MilestoneChargebackClosed: 'ignored',
  MilestoneDisputeResolved: 'read',
  MilestoneRefunded: 'read',
  MilestoneCancelled: 'ignored',
  ContractArchived: 'ignored',
  MilestoneSupportNoteAdded: 'ignored',
  EmployerCustomerCreated: 'ignored',
  // Subscription invoices are the provider's (id on the event), never one of our E-/T- invoices.
  EmployerAccountTypeSet: 'ignored',
  EmployerSubscriptionStarted: 'ignored',
  EmployerSubscriptionUpdated: 'ignored',
  EmployerSubscriptionCanceled: 'ignored',
  EmployerPaymentMethodAttached: 'ignored',
  TrainerPayoutAccountConnected: 'ignored',
  TrainerPayoutAccountUpdated: 'ignored',
} as const satisfies EventTypeUses<'read'>;

export const invoiceEventTypes = typesUsedFor(invoiceEventUses, 'read');

export type InvoiceEvent = DomainEventOfType<TypesUsedFor<typeof invoiceEventUses, 'read'>>;

/** An event as the projection sees it: the domain event plus where and when it happened. */
export type SourceEvent<E extends InvoiceEvent = InvoiceEvent> = DomainEventRecord<E>;

export function toSourceEvent(recorded: StoredEvent): SourceEvent | null {
  return readDomainEvent(recorded, invoiceEventTypes);
}

export function contractFacts(event: ContractCreated): ContractFacts {
  const { contractId, projectName, employerId, trainerId } = event.data;
  return { contractId, projectName, employerId, trainerId };
}

/** The milestone's facts after `event` (null before its MilestoneCreated). */
export function evolveMilestoneFacts(facts: MilestoneFacts | null, { event, eventId }: SourceEvent<FactEvent>): MilestoneFacts {
  if (event.type === 'MilestoneCreated') {
    assert(facts === null, `milestone ${event.data.milestoneId} is created once`);
    const { contractId, milestoneId, name, description } = event.data;
    return {
      contractId, milestoneId, name, description,
      paymentIntentId: null, chargeId: null, releasedCents: null, feeCents: null, netCents: null, fundingInvoiceId: null,
    };
  }
  assert(facts !== null, `${event.type} of milestone ${event.data.milestoneId} follows its MilestoneCreated`);
  switch (event.type) {
    case 'MilestoneFunded':
      return { ...facts, paymentIntentId: event.data.paymentIntentId, chargeId: event.data.chargeId, fundingInvoiceId: invoiceIdFor(eventId) };
    case 'MilestoneApproved':
      return released(facts, event.data.amount.amountCents, event.data.fee.amountCents, event.data.net.amountCents);
    case 'MilestoneDisputeResolved':
      return released(facts, event.data.trainerAmount.amountCents, event.data.fee.amountCents, event.data.net.amountCents);
  }
}

function released(facts: MilestoneFacts, releasedCents: number, feeCents: number, netCents: number): MilestoneFacts {
  assert(feeCents >= 0 && netCents >= 0, `milestone ${facts.milestoneId}: fee and net are not negative`);
  assert(feeCents + netCents === releasedCents, `milestone ${facts.milestoneId}: fee + net equals the released amount`);
  return { ...facts, releasedCents, feeCents, netCents };
}

/** An invoice before the projection hands it a number from its series' counter. */
export type InvoiceDraft = Omit<Invoice, 'number' | 'sequence'>;

/** The employer's funding invoice: the amount charged into escrow. Fee and net do not apply. */
export function fundingInvoice(contract: ContractFacts, milestone: MilestoneFacts, source: SourceEvent<MilestoneFunded>): InvoiceDraft {
  const { amount, paymentIntentId, chargeId } = source.event.data;
  assert(amount.amountCents > 0, `funding of milestone ${milestone.milestoneId} is for a positive amount`);
  return {
    ...common(contract, milestone, source, 'employer_funding'),
    amountCents: amount.amountCents,
    feeCents: null,
    netCents: null,
    paymentIntentId,
    chargeId,
    transferId: null,
  };
}

/** The trainer's payout invoice: gross amount released, the platform fee, and the net transferred. */
export function payoutInvoice(contract: ContractFacts, milestone: MilestoneFacts, source: SourceEvent<MilestonePayoutCompleted>): InvoiceDraft {
  const { releasedCents, feeCents, netCents } = milestone;
  assert(releasedCents !== null && feeCents !== null && netCents !== null, `payout of milestone ${milestone.milestoneId} follows its release`);
  const transferredCents = source.event.data.amount.amountCents;
  assert(transferredCents === netCents, `payout of milestone ${milestone.milestoneId} transfers the net ${netCents}, not ${transferredCents}`);
  return {
    ...common(contract, milestone, source, 'trainer_payout'),
    amountCents: releasedCents,
    feeCents,
    netCents,
    paymentIntentId: null,
    // The charge the transfer was funded from (Stripe's source_transaction), for reconciliation.
    chargeId: milestone.chargeId,
    transferId: source.event.data.transferId,
  };
}

function common(contract: ContractFacts, milestone: MilestoneFacts, source: SourceEvent, kind: Invoice['kind']): Omit<InvoiceDraft, 'amountCents' | 'feeCents' | 'netCents' | 'paymentIntentId' | 'chargeId' | 'transferId'> {
  assert(contract.contractId === milestone.contractId, `milestone ${milestone.milestoneId} belongs to contract ${contract.contractId}`);
  return {
    id: invoiceIdFor(source.eventId),
    series: seriesOf(kind, source.occurredAt),
    kind,
    issuedAt: source.occurredAt,
    contractId: contract.contractId,
    milestoneId: milestone.milestoneId,
    employerId: contract.employerId,
    trainerId: contract.trainerId,
    projectName: contract.projectName,
    milestoneName: milestone.name,
    description: milestone.description,
    billingType,
    currency: 'USD',
    refundedCents: 0,
    paymentStatus: 'paid',
    refundIds: [],
    sourceEventId: source.eventId,
    position: source.position,
    updatedAt: source.occurredAt,
  };
}

export function numbered(draft: InvoiceDraft, sequence: number): Invoice {
  return { ...draft, sequence, number: invoiceNumber(draft.series, sequence) };
}

/** A refund of the milestone's charge: the funding invoice's status follows what came back. */
export function refunded(invoice: Invoice, source: SourceEvent<MilestoneRefunded>): Invoice {
  assert(invoice.kind === 'employer_funding', `refunds apply to funding invoices, not ${invoice.kind} ${invoice.id}`);
  const { amount, refundId, chargeId } = source.event.data;
  assert(chargeId === invoice.chargeId, `refund ${refundId} is of invoice ${invoice.id}'s charge`);
  const refundedCents = invoice.refundedCents + amount.amountCents;
  return {
    ...invoice,
    refundedCents,
    paymentStatus: paymentStatusAfterRefunds(invoice.amountCents, refundedCents),
    refundIds: [...invoice.refundIds, refundId],
    updatedAt: source.occurredAt,
  };
}

export function paymentStatusAfterRefunds(invoicedCents: number, refundedCents: number): PaymentStatus {
  assert(refundedCents >= 0, 'refunds are not negative');
  assert(refundedCents <= invoicedCents, `refunded ${refundedCents} cents of an invoice for ${invoicedCents}`);
  if (refundedCents === 0) return 'paid';
  return refundedCents === invoicedCents ? 'refunded' : 'partially_refunded';
}
