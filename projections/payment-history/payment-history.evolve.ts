import {
  assert,
  assertNever,
  readDomainEvent,
  typesUsedFor,
  type DisputeResolution,
  type DomainEventOfType,
  type DomainEventRecord,
  type EventTypeUses,
  type StoredEvent,
  type TypesUsedFor,
} from '@escrow/domain';

/**
 * One released payment: an approved milestone, or the trainer's part of a dispute resolved by
 * release or split. Cents inside; formatted only when served.
 */
export interface PaymentEntry {
  milestoneId: string;
  milestoneName: string;
  /** null for a plain approval; how support resolved the dispute otherwise. */
  resolution: Exclude<DisputeResolution, 'refund'> | null;
  /** Released to the trainer before the platform fee (fee + net = amount). */
  amountCents: number;
  feeCents: number;
  netCents: number;
  feeBps: number;
  /** reversed: a lost chargeback took the unpaid release back (the trainer is owed nothing). */
  status: 'approved' | 'paid' | 'reversed';
  approvedAt: string;
  paidAt: string | null;
  /** The payout transfer (Stripe transfer id), null until paid. */
  transferId: string | null;
  /** The funding charge the transfer draws from. */
  chargeId: string;
}

/** Escrowed money returned to the employer (finance reconciles these against Stripe refunds). */
export interface RefundEntry {
  milestoneId: string;
  milestoneName: string;
  amountCents: number;
  refundId: string;
  chargeId: string;
  refundedAt: string;
}

/** A chargeback the bank closed as lost: money returned to the employer by the bank. */
export interface ChargebackEntry {
  milestoneId: string;
  milestoneName: string;
  disputeId: string;
  chargeId: string;
  amountCents: number;
  /** Of the amount, what the platform bears because the money had already left escrow. */
  platformLossCents: number;
  lostAt: string;
}

export interface PaymentHistory {
  contractId: string;
  employerId: string;
  trainerId: string;
  projectName: string;
  /** Names by milestone id: approvals do not carry the name, MilestoneCreated does. */
  milestoneNames: Record<string, string>;
  /** In approval order (the order approvals were recorded in the contract's stream). */
  payments: PaymentEntry[];
  /** In refund order. */
  refunds: RefundEntry[];
  /** Lost chargebacks, in order; histories stored before chargebacks lack it. */
  chargebacks?: ChargebackEntry[];
  updatedAt: string;
  position: string;
}

/**
 * What this read model does with each event type of the catalog: tsc refuses the table until a
 * new type is marked 'read' (and handled in `evolvePaymentHistory`, whose switch is exhaustive
 * over the types read) or 'ignored'.
 */
export const paymentHistoryEventUses = {
  ContractCreated: 'read',
  MilestoneCreated: 'read',
  MilestoneFundingRequested: 'ignored',
  MilestoneFunded: 'ignored',
  MilestoneFundingPending: 'ignored',
  MilestoneFundingFailed: 'ignored',
  MilestoneApprovalRequested: 'ignored',
  MilestoneApproved: 'read',
  MilestoneAutoReleaseReminderSent: 'ignored',
  MilestonePayoutCompleted: 'read',
  MilestonePayoutFailed: 'ignored',
  MilestoneDisputed: 'ignored',
  MilestoneChargebackOpened: 'ignored',
  MilestoneChargebackClosed: 'read',
  MilestoneDisputeResolved: 'read',
  MilestoneRefunded: 'read',
  MilestoneCancelled: 'ignored',
  ContractArchived: 'ignored',
  MilestoneSupportNoteAdded: 'ignored',
  EmployerCustomerCreated: 'ignored',
  // Subscription billing is separate from milestone payments.
  EmployerAccountTypeSet: 'ignored',
  EmployerSubscriptionStarted: 'ignored',
  EmployerSubscriptionUpdated: 'ignored',
  EmployerSubscriptionCanceled: 'ignored',
  EmployerPaymentMethodAttached: 'ignored',
  TrainerPayoutAccountConnected: 'ignored',
  TrainerPayoutAccountUpdated: 'ignored',
} as const satisfies EventTypeUses<'read'>;

export const paymentHistoryEventTypes = typesUsedFor(paymentHistoryEventUses, 'read');

export type PaymentHistoryEvent = DomainEventOfType<TypesUsedFor<typeof paymentHistoryEventUses, 'read'>>;

/** What the fold needs of a read event (a `DomainEventRecord` of a type read here fits). */
export type HistoryEvent = Pick<DomainEventRecord<PaymentHistoryEvent>, 'event' | 'occurredAt' | 'position'>;

/** Pure: the history before an event (null for a new contract) and the event → the history after. */
export function evolvePaymentHistory(history: PaymentHistory | null, { event, occurredAt, position }: HistoryEvent): PaymentHistory {
  if (event.type === 'ContractCreated') {
    assert(history === null, `contract ${event.data.contractId} is created once`);
    const { contractId, employerId, trainerId, projectName } = event.data;
    return { contractId, employerId, trainerId, projectName, milestoneNames: {}, payments: [], refunds: [], updatedAt: occurredAt, position };
  }
  assert(history !== null, `${event.type} follows ContractCreated`);
  const next: PaymentHistory = { ...history, updatedAt: occurredAt, position };
  switch (event.type) {
    case 'MilestoneCreated':
      return { ...next, milestoneNames: { ...next.milestoneNames, [event.data.milestoneId]: event.data.name } };
    case 'MilestoneApproved': {
      const { milestoneId, amount, fee, net, feeBps, chargeId } = event.data;
      const cents = { amountCents: amount.amountCents, feeCents: fee.amountCents, netCents: net.amountCents };
      return withPayment(next, milestoneId, { resolution: null, ...cents, feeBps, chargeId, approvedAt: occurredAt });
    }
    case 'MilestoneDisputeResolved': {
      const { milestoneId, resolution, trainerAmount, fee, net, feeBps, chargeId } = event.data;
      // A full refund releases nothing: the money shows up as a refund once Stripe returns it.
      if (resolution === 'refund') return next;
      const cents = { amountCents: trainerAmount.amountCents, feeCents: fee.amountCents, netCents: net.amountCents };
      return withPayment(next, milestoneId, { resolution, ...cents, feeBps, chargeId, approvedAt: occurredAt });
    }
    case 'MilestonePayoutCompleted': {
      const { milestoneId, amount, transferId } = event.data;
      return paid(next, milestoneId, amount.amountCents, transferId, occurredAt);
    }
    case 'MilestoneRefunded': {
      const { milestoneId, amount, refundId, chargeId } = event.data;
      const milestoneName = nameOf(next, milestoneId);
      const refund: RefundEntry = { milestoneId, milestoneName, amountCents: amount.amountCents, refundId, chargeId, refundedAt: occurredAt };
      return { ...next, refunds: [...next.refunds, refund] };
    }
    case 'MilestoneChargebackClosed': {
      const { milestoneId, disputeId, chargeId, amount, loss } = event.data;
      if (loss === null) return next;
      const entry: ChargebackEntry = {
        milestoneId, milestoneName: nameOf(next, milestoneId), disputeId, chargeId, amountCents: amount.amountCents,
        platformLossCents: loss.platformLoss.amountCents, lostAt: occurredAt,
      };
      const payments = loss.reversedRelease
        ? next.payments.map((p) => (p.milestoneId === milestoneId && p.status === 'approved' ? { ...p, status: 'reversed' as const } : p))
        : next.payments;
      return { ...next, payments, chargebacks: [...(next.chargebacks ?? []), entry] };
    }
    default:
      return assertNever(event, 'payment history event');
  }
}

type Release = Pick<PaymentEntry, 'resolution' | 'amountCents' | 'feeCents' | 'netCents' | 'feeBps' | 'chargeId' | 'approvedAt'>;

function withPayment(history: PaymentHistory, milestoneId: string, release: Release): PaymentHistory {
  // The decider releases a milestone's escrow once: approval and dispute exclude each other.
  // (unless a lost chargeback reversed the release and support then divided what was left).
  assert(!history.payments.some((p) => p.milestoneId === milestoneId && p.status !== 'reversed'), `milestone ${milestoneId} is released once`);
  assert(release.feeCents + release.netCents === release.amountCents, `fee + net = amount for milestone ${milestoneId}`);
  const milestoneName = nameOf(history, milestoneId);
  const entry: PaymentEntry = { milestoneId, milestoneName, ...release, status: 'approved', paidAt: null, transferId: null };
  return { ...history, payments: [...history.payments, entry] };
}

function paid(history: PaymentHistory, milestoneId: string, amountCents: number, transferId: string, at: string): PaymentHistory {
  const entry = history.payments.find((p) => p.milestoneId === milestoneId && p.status !== 'reversed');
  assert(entry !== undefined, `milestone ${milestoneId} is paid out after its release`);
  assert(entry.status === 'approved', `milestone ${milestoneId} is paid out once`);
  assert(entry.netCents === amountCents, `payout of milestone ${milestoneId} transfers the net ${entry.netCents} cents, not ${amountCents}`);
  return {
    ...history,
    payments: history.payments.map((p) => (p === entry ? { ...p, status: 'paid', paidAt: at, transferId } : p)),
  };
}

function nameOf(history: PaymentHistory, milestoneId: string): string {
  const name = history.milestoneNames[milestoneId];
  assert(name !== undefined, `milestone ${milestoneId} was created in contract ${history.contractId}`);
  return name;
}

/** The log's event as this read model sees it, or null when it does not concern payments. */
export function toHistoryEvent(recorded: StoredEvent): DomainEventRecord<PaymentHistoryEvent> | null {
  return readDomainEvent(recorded, paymentHistoryEventTypes);
}
