import { assert, type ContractEventType } from '@escrow/domain';

/** One line of a journal transaction: exactly one side is non-zero. Integer cents. */
export interface JournalEntry {
  readonly account: string;
  readonly debitCents: number;
  readonly creditCents: number;
}

/** What one money event posts: a balanced set of entries, traced back to the event and Stripe. */
export interface JournalTransaction {
  /** The event id: one event posts at most one transaction, so a replay posts the same ids. */
  readonly transactionId: string;
  readonly position: string;
  readonly occurredAt: string;
  readonly eventId: string;
  readonly eventType: ContractEventType;
  readonly contractId: string;
  readonly milestoneId: string;
  /** The Stripe object that moved the money: charge, transfer or refund id. */
  readonly stripeReference: string;
  readonly entries: readonly JournalEntry[];
}

/** A transaction never has more lines than this (the largest rule posts three). */
export const journalEntryCountMax = 8;

export function debit(account: string, cents: number): JournalEntry {
  return { account, debitCents: cents, creditCents: 0 };
}

export function credit(account: string, cents: number): JournalEntry {
  return { account, debitCents: 0, creditCents: cents };
}

/** Drops zero-amount lines (a zero fee posts nothing to fee revenue); what remains must balance. */
export function nonZero(entries: readonly JournalEntry[]): JournalEntry[] {
  return entries.filter((entry) => entry.debitCents !== 0 || entry.creditCents !== 0);
}

/**
 * Double entry's one rule, checked before anything is written: Σ debits = Σ credits, every
 * amount non-negative integer cents, every line one-sided, each account once.
 */
export function assertBalanced(transaction: Pick<JournalTransaction, 'transactionId' | 'entries'>): void {
  const { transactionId, entries } = transaction;
  assert(entries.length >= 2, `transaction ${transactionId} has at least two entries`);
  assert(entries.length <= journalEntryCountMax, `transaction ${transactionId} has at most ${journalEntryCountMax} entries`);
  let debits = 0;
  let credits = 0;
  for (const { account, debitCents, creditCents } of entries) {
    assert(Number.isSafeInteger(debitCents) && debitCents >= 0, `${transactionId} ${account}: debit ${debitCents} is non-negative cents`);
    assert(Number.isSafeInteger(creditCents) && creditCents >= 0, `${transactionId} ${account}: credit ${creditCents} is non-negative cents`);
    assert((debitCents === 0) !== (creditCents === 0), `${transactionId} ${account}: an entry is a debit or a credit, not both or neither`);
    debits += debitCents;
    credits += creditCents;
  }
  assert(Number.isSafeInteger(debits) && Number.isSafeInteger(credits), `transaction ${transactionId} totals are safe integers`);
  assert(debits === credits, `transaction ${transactionId} balances: debits ${debits} = credits ${credits}`);
  const accounts = new Set(entries.map((entry) => entry.account));
  assert(accounts.size === entries.length, `transaction ${transactionId} names each account once`);
}
