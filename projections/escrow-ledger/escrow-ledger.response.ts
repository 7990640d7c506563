import { Money } from '@escrow/domain';
import { balanceCents } from '@escrow/ledger';
import type { AccountBalance, LedgerEntry } from './escrow-ledger.query';

/** Money leaves as decimal strings; a balance is debits − credits and may be negative ("-150.00"). */
export function balanceLine(balance: AccountBalance) {
  return {
    account: balance.account,
    debits: Money.format(balance.debitCents),
    credits: Money.format(balance.creditCents),
    balance: Money.format(balanceCents(balance)),
  };
}

export function trialBalanceResponse(asOf: string | null, position: string | null, balances: readonly AccountBalance[]) {
  const totalDebitCents = balances.reduce((sum, b) => sum + b.debitCents, 0);
  const totalCreditCents = balances.reduce((sum, b) => sum + b.creditCents, 0);
  return {
    asOf,
    position,
    accounts: balances.map(balanceLine),
    totalDebits: Money.format(totalDebitCents),
    totalCredits: Money.format(totalCreditCents),
    balanced: totalDebitCents === totalCreditCents,
  };
}

export function entryLine(entry: LedgerEntry) {
  return {
    transactionId: entry.transactionId,
    position: entry.position,
    occurredAt: entry.occurredAt,
    eventId: entry.eventId,
    eventType: entry.eventType,
    contractId: entry.contractId,
    milestoneId: entry.milestoneId,
    stripeReference: entry.stripeReference,
    debit: Money.format(entry.debitCents),
    credit: Money.format(entry.creditCents),
    balance: Money.format(entry.balanceAfterCents),
  };
}

export const entriesCsvHeader = [
  'position', 'occurred_at', 'transaction_id', 'event_id', 'event_type', 'contract_id', 'milestone_id',
  'stripe_reference', 'account', 'debit', 'credit', 'account_balance',
];

export function entryCsvFields(entry: LedgerEntry): string[] {
  return [
    entry.position, entry.occurredAt, entry.transactionId, entry.eventId, entry.eventType, entry.contractId, entry.milestoneId,
    entry.stripeReference, entry.account, Money.format(entry.debitCents), Money.format(entry.creditCents),
    Money.format(entry.balanceAfterCents),
  ];
}
