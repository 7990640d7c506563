import {
  assert,
  assertNever,
  domainEventOf,
  readEventMetadata,
  type Amount,
  type AnyDomainEvent,
  type ChargebackLoss,
  type ContractEventType,
  type StoredEvent,
} from '@escrow/domain';
import { escrowAccount, platformChargebackLosses, platformFeeRevenue, platformStripeBalance, trainerPayableAccount } from './accounts';
import { assertBalanced, credit, debit, nonZero, type JournalEntry, type JournalTransaction } from './journal';

/** What a rule decides: the event and milestone, the entries and the Stripe object behind them. */
export interface Posting {
  readonly eventType: ContractEventType;
  readonly contractId: string;
  readonly milestoneId: string;
  readonly stripeReference: string;
  readonly entries: readonly JournalEntry[];
}

/** An event as read from the log (RecordedEvent fits); structural so the ledger needs no store. */
export type LoggedEvent = Pick<StoredEvent, 'eventId' | 'type' | 'data' | 'metadata' | 'position'>;

/**
 * The posting rules (README, "Double-entry ledger"): a money event → its entries; any other
 * event → null. The domain already split fee and net (and a dispute's release and refund), so
 * the rules take those amounts as they are and never redo the arithmetic.
 */
export function postingRule(event: AnyDomainEvent): Posting | null {
  switch (event.type) {
    case 'MilestoneFunded': {
      const { contractId, amount, chargeId } = event.data;
      // Stripe's processing fee (Dr platform:stripe_fees / Cr platform:stripe_balance) belongs
      // here once the funding event carries the charge's balance-transaction fee; it does not yet.
      return posting(event, chargeId, [debit(platformStripeBalance, cents(amount)), credit(escrowAccount(contractId), cents(amount))]);
    }
    case 'MilestoneApproved': {
      const { contractId, trainerId, amount, fee, net, chargeId } = event.data;
      return posting(event, chargeId, release(contractId, trainerId, amount, fee, net));
    }
    case 'MilestoneDisputeResolved': {
      const { resolution, contractId, trainerId, trainerAmount, fee, net, chargeId } = event.data;
      // A full refund posts when the money actually goes back (MilestoneRefunded); a release or a
      // split releases its trainer part now, exactly like an approval of that part.
      if (resolution === 'refund') return null;
      return posting(event, chargeId, release(contractId, trainerId, trainerAmount, fee, net));
    }
    case 'MilestonePayoutCompleted': {
      const { trainerId, amount, transferId } = event.data;
      return posting(event, transferId, [debit(trainerPayableAccount(trainerId), cents(amount)), credit(platformStripeBalance, cents(amount))]);
    }
    case 'MilestoneRefunded': {
      const { contractId, amount, refundId } = event.data;
      return posting(event, refundId, [debit(escrowAccount(contractId), cents(amount)), credit(platformStripeBalance, cents(amount))]);
    }
    case 'MilestoneChargebackClosed': {
      const { contractId, outcome, loss, disputeId } = event.data;
      // Opened and won move no money; a lost one is paid out of Stripe's balance to the bank.
      if (outcome === 'won' || loss === null) return null;
      return posting(event, disputeId, chargebackLoss(contractId, loss));
    }
    case 'ContractCreated':
    case 'MilestoneCreated':
    case 'MilestoneFundingRequested':
    case 'MilestoneFundingPending':
    case 'MilestoneChargebackOpened':
    case 'MilestoneFundingFailed':
    case 'MilestoneApprovalRequested':
    case 'MilestoneAutoReleaseReminderSent':
    case 'MilestonePayoutFailed':
    case 'MilestoneDisputed':
    case 'MilestoneCancelled':
    case 'ContractArchived':
    case 'MilestoneSupportNoteAdded':
    // Employer and trainer streams move no money of a contract.
    case 'EmployerCustomerCreated':
    case 'EmployerPaymentMethodAttached':
    // Subscription billing is separate from milestone charges: it posts nothing to the escrow ledger.
    case 'EmployerAccountTypeSet':
    case 'EmployerSubscriptionStarted':
    case 'EmployerSubscriptionUpdated':
    case 'EmployerSubscriptionCanceled':
    case 'TrainerPayoutAccountConnected':
    case 'TrainerPayoutAccountUpdated':
      return null;
    default:
      return assertNever(event, 'domain event');
  }
}

/** Released escrow: the trainer is owed the net, the platform earns the fee (a zero fee posts no line). */
function release(contractId: string, trainerId: string, released: Amount, fee: Amount, net: Amount): JournalEntry[] {
  assert(cents(fee) + cents(net) === cents(released), `fee ${cents(fee)} + net ${cents(net)} = released ${cents(released)}`);
  return [
    debit(escrowAccount(contractId), cents(released)),
    credit(trainerPayableAccount(trainerId), cents(net)),
    credit(platformFeeRevenue, cents(fee)),
  ];
}

/**
 * A lost chargeback: the bank took `fromEscrow + platformLoss` out of Stripe's balance. An
 * approved (unpaid) milestone's release is taken back first (the trainer is owed nothing now, the
 * fee is not earned), so the escrow line is what was reversed into it less what left it.
 */
function chargebackLoss(contractId: string, loss: ChargebackLoss): JournalEntry[] {
  const reversed = loss.reversedRelease;
  const reversedCents = reversed ? cents(reversed.fee) + cents(reversed.net) : 0;
  const escrowChangeCents = reversedCents - cents(loss.fromEscrow);
  const escrow = escrowAccount(contractId);
  return [
    ...(reversed ? [debit(trainerPayableAccount(reversed.trainerId), cents(reversed.net)), debit(platformFeeRevenue, cents(reversed.fee))] : []),
    escrowChangeCents >= 0 ? credit(escrow, escrowChangeCents) : debit(escrow, -escrowChangeCents),
    debit(platformChargebackLosses, cents(loss.platformLoss)),
    credit(platformStripeBalance, cents(loss.fromEscrow) + cents(loss.platformLoss)),
  ];
}

/**
 * Zero-amount lines are dropped (a zero fee posts no fee line); when nothing is left, nothing
 * moved and nothing posts: a fee that rounds up to the whole amount leaves a 0.00 payout.
 */
function posting(
  event: { type: ContractEventType; data: { contractId: string; milestoneId: string } },
  stripeReference: string,
  entries: readonly JournalEntry[],
): Posting | null {
  const moving = nonZero(entries);
  const { contractId, milestoneId } = event.data;
  return moving.length === 0 ? null : { eventType: event.type, contractId, milestoneId, stripeReference, entries: moving };
}

function cents(amount: Amount): number {
  assert(amount.currency === 'USD', `amount in USD, not ${String(amount.currency)}`);
  assert(Number.isSafeInteger(amount.amountCents) && amount.amountCents >= 0, `amount ${amount.amountCents} is non-negative cents`);
  return amount.amountCents;
}

/**
 * The journal transaction an event from the log posts, or null; always balanced when not null.
 * Only a posting event needs its metadata read (and fails without occurredAt).
 */
export function postingOf(logged: LoggedEvent): JournalTransaction | null {
  const event = domainEventOf(logged);
  const posting = event === null ? null : postingRule(event);
  if (posting === null) return null;
  const { occurredAt } = readEventMetadata(logged);
  const transaction: JournalTransaction = {
    transactionId: logged.eventId,
    position: logged.position,
    occurredAt,
    eventId: logged.eventId,
    eventType: posting.eventType,
    contractId: posting.contractId,
    milestoneId: posting.milestoneId,
    stripeReference: posting.stripeReference,
    entries: posting.entries,
  };
  assertBalanced(transaction);
  return transaction;
}
