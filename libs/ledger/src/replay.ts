import { assert } from '@escrow/domain';
import type { JournalTransaction } from './journal';
import { postingOf, type LoggedEvent } from './posting-rules';

export interface AccountTotals {
  readonly debitCents: number;
  readonly creditCents: number;
}

/** Debit-positive, as a trial balance shows it: credit-normal accounts (escrow, payables) are negative. */
export function balanceCents(totals: AccountTotals): number {
  return totals.debitCents - totals.creditCents;
}

/** Every account's totals after these transactions, in order: the ledger from first principles. */
export function foldBalances(transactions: Iterable<JournalTransaction>): Map<string, AccountTotals> {
  const balances = new Map<string, AccountTotals>();
  for (const transaction of transactions) {
    for (const { account, debitCents, creditCents } of transaction.entries) {
      const before = balances.get(account) ?? { debitCents: 0, creditCents: 0 };
      const after = { debitCents: before.debitCents + debitCents, creditCents: before.creditCents + creditCents };
      assert(Number.isSafeInteger(after.debitCents) && Number.isSafeInteger(after.creditCents), `${account} totals are safe integers`);
      balances.set(account, after);
    }
  }
  return balances;
}

/** The journal of a stretch of the log: what the posting rules make of each event, in log order. */
export function postingsOf(events: Iterable<LoggedEvent>): JournalTransaction[] {
  const transactions: JournalTransaction[] = [];
  for (const event of events) {
    const transaction = postingOf(event);
    if (transaction !== null) transactions.push(transaction);
  }
  return transactions;
}
