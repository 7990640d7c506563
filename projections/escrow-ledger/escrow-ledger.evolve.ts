import { assert, type AnyDomainEvent } from '@escrow/domain';
import { isEscrowAccount, type AccountTotals, type JournalEntry } from '@escrow/ledger';

/** What the ledger keeps per contract besides its escrow account: the money that went through it. */
export interface ContractEscrow {
  readonly contractId: string;
  readonly fundedCents: number;
  readonly releasedCents: number;
  readonly refundedCents: number;
  /** Escrowed money the bank took back through lost chargebacks. */
  readonly chargebackLostCents: number;
}

export type EscrowMovement = Omit<ContractEscrow, 'contractId'>;

/**
 * How an event moves a contract's escrow, read from the event itself and not from the postings,
 * so that comparing the two checks the posting rules:
 * escrow held = funded − released − refunded − chargebacks lost. A lost chargeback on an approved
 * milestone takes its release back into escrow first: released goes down by that much.
 */
export function escrowMovement(event: AnyDomainEvent): EscrowMovement | null {
  const none = { fundedCents: 0, releasedCents: 0, refundedCents: 0, chargebackLostCents: 0 };
  switch (event.type) {
    case 'MilestoneFunded':
      return { ...none, fundedCents: event.data.amount.amountCents };
    case 'MilestoneApproved':
      return { ...none, releasedCents: event.data.amount.amountCents };
    case 'MilestoneDisputeResolved':
      return event.data.resolution === 'refund' ? null : { ...none, releasedCents: event.data.trainerAmount.amountCents };
    case 'MilestoneRefunded':
      return { ...none, refundedCents: event.data.amount.amountCents };
    case 'MilestoneChargebackClosed': {
      const { loss } = event.data;
      if (loss === null) return null;
      const reversed = loss.reversedRelease;
      const releasedCents = reversed ? -(reversed.fee.amountCents + reversed.net.amountCents) : 0;
      const chargebackLostCents = loss.fromEscrow.amountCents;
      return releasedCents === 0 && chargebackLostCents === 0 ? null : { ...none, releasedCents, chargebackLostCents };
    }
    default:
      return null;
  }
}

/** Pure: an account's totals after one entry. */
export function evolveBalance(before: AccountTotals | null, entry: JournalEntry): AccountTotals {
  const after = {
    debitCents: (before?.debitCents ?? 0) + entry.debitCents,
    creditCents: (before?.creditCents ?? 0) + entry.creditCents,
  };
  assert(Number.isSafeInteger(after.debitCents) && Number.isSafeInteger(after.creditCents), `${entry.account} totals are safe integers`);
  return after;
}

/** Escrow is credit-normal and holds real money: it can run empty, never below. */
export function assertEscrowNotNegative(account: string, totals: AccountTotals, position: string): void {
  if (!isEscrowAccount(account)) return;
  const heldCents = totals.creditCents - totals.debitCents;
  assert(heldCents >= 0, `escrow ${account} does not go negative (holds ${heldCents} cents after ${position})`);
}

export function assertEscrowHeld(contract: ContractEscrow, escrowTotals: AccountTotals, position: string): void {
  const { contractId, fundedCents, releasedCents, refundedCents, chargebackLostCents } = contract;
  const expectedCents = fundedCents - releasedCents - refundedCents - chargebackLostCents;
  const heldCents = escrowTotals.creditCents - escrowTotals.debitCents;
  assert(
    heldCents === expectedCents,
    `escrow of contract ${contractId} after ${position}: holds ${heldCents} cents = funded ${fundedCents} − released ${releasedCents} − refunded ${refundedCents} − chargebacks lost ${chargebackLostCents}`,
  );
}

/** The whole ledger balances: its running totals of debits and credits agree. */
export function assertLedgerBalanced(totals: AccountTotals, position: string): void {
  assert(totals.debitCents === totals.creditCents, `ledger sums to zero after ${position}: debits ${totals.debitCents} = credits ${totals.creditCents}`);
}
