import { assert } from '@escrow/domain';
import { escrowAccountPrefix, type AccountTotals } from '@escrow/ledger';
import { readCheckpoint } from '@escrow/projector';
import type { SqlExecutor } from '@escrow/sql';
import { centsFromColumn, isoFromColumn } from './cents-column';
import { escrowLedgerProjectionName } from './escrow-ledger.projection';

/** A point in the ledger's history: a global position of the log, or an instant (occurredAt). */
export type LedgerBound = { readonly kind: 'position'; readonly position: string } | { readonly kind: 'time'; readonly time: string };

/** Which accounts a reader may see. */
export type Visibility =
  | { readonly kind: 'all' }
  | { readonly kind: 'employer'; readonly employerId: string }
  | { readonly kind: 'account'; readonly account: string };

export interface AccountBalance extends AccountTotals {
  readonly account: string;
}

/** Where a page of entries stopped: entries sort by (position, entry index). */
export interface EntryKey {
  readonly position: string;
  readonly entryIndex: number;
}

export interface LedgerEntry extends EntryKey {
  readonly transactionId: string;
  readonly account: string;
  readonly debitCents: number;
  readonly creditCents: number;
  /** The account's balance (debits − credits) right after this entry. */
  readonly balanceAfterCents: number;
  readonly occurredAt: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly contractId: string;
  readonly milestoneId: string;
  readonly stripeReference: string;
}

export interface EntryFilter {
  readonly account?: string;
  /** Inclusive. */
  readonly from?: LedgerBound | null;
  /** Inclusive. */
  readonly to?: LedgerBound | null;
  /** Inclusive upper position: exports pin the ledger as it stood when they began. */
  readonly upTo?: string | null;
  /** Exclusive: the key of the last entry of the previous page. */
  readonly after?: EntryKey | null;
  readonly limit: number;
}

/** Builds positional parameters next to the SQL text that uses them. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    return `$${this.values.push(value)}`;
  }
}

function boundCondition(params: Params, bound: LedgerBound, operator: '<=' | '>='): string {
  if (bound.kind === 'position') return `e.position ${operator} ${params.add(bound.position)}`;
  return `e.occurred_at ${operator} ${params.add(bound.time)}::timestamptz`;
}

function visibilityCondition(params: Params, visibility: Visibility, column: string): string {
  switch (visibility.kind) {
    case 'all':
      return 'true';
    case 'employer':
      return `${column} in (select ${params.add(escrowAccountPrefix)} || c.contract_id
                             from escrow_ledger_contracts c where c.employer_id = ${params.add(visibility.employerId)})`;
    case 'account':
      return `${column} = ${params.add(visibility.account)}`;
  }
}

function prefixCondition(params: Params, prefix: string | null, column: string): string {
  if (prefix === null || prefix === '') return 'true';
  const placeholder = params.add(prefix);
  return `left(${column}, char_length(${placeholder})) = ${placeholder}`;
}

/**
 * Balances per account, now (the running balances) or as of a bound (summed from the entries up
 * to it, which is what replaying the log to that point through the posting rules gives).
 */
export async function findBalances(
  db: SqlExecutor,
  query: { readonly asOf: LedgerBound | null; readonly prefix: string | null; readonly visibility: Visibility },
): Promise<AccountBalance[]> {
  const params = new Params();
  const sql =
    query.asOf === null
      ? `select b.account, b.debit_cents::text as debits, b.credit_cents::text as credits
         from escrow_ledger_balances b
         where ${visibilityCondition(params, query.visibility, 'b.account')} and ${prefixCondition(params, query.prefix, 'b.account')}
         order by b.account`
      : `select e.account, sum(e.debit_cents)::text as debits, sum(e.credit_cents)::text as credits
         from escrow_ledger_entries e
         where ${boundCondition(params, query.asOf, '<=')}
           and ${visibilityCondition(params, query.visibility, 'e.account')} and ${prefixCondition(params, query.prefix, 'e.account')}
         group by e.account
         order by e.account`;
  const { rows } = await db.query<{ account: string; debits: string; credits: string }>(sql, params.values);
  return rows.map((row) => ({
    account: row.account,
    debitCents: centsFromColumn(row.debits, `${row.account} debits`),
    creditCents: centsFromColumn(row.credits, `${row.account} credits`),
  }));
}

/** Entries in ledger order (position, then line), one bounded page at a time. */
export async function findEntries(db: SqlExecutor, filter: EntryFilter): Promise<LedgerEntry[]> {
  assert(Number.isInteger(filter.limit) && filter.limit > 0, 'a page of entries has a positive limit');
  const params = new Params();
  const conditions = ['true'];
  if (filter.account !== undefined) conditions.push(`e.account = ${params.add(filter.account)}`);
  if (filter.from) conditions.push(boundCondition(params, filter.from, '>='));
  if (filter.to) conditions.push(boundCondition(params, filter.to, '<='));
  if (filter.upTo) conditions.push(`e.position <= ${params.add(filter.upTo)}`);
  if (filter.after) {
    conditions.push(`(e.position, e.entry_index) > (${params.add(filter.after.position)}, ${params.add(filter.after.entryIndex)}::integer)`);
  }
  const { rows } = await db.query<Record<string, unknown>>(
    `select e.position, e.entry_index, e.transaction_id, e.account, e.debit_cents::text as debit_cents,
            e.credit_cents::text as credit_cents, e.balance_after_cents::text as balance_after_cents, e.occurred_at,
            e.event_id, e.event_type, e.contract_id, e.milestone_id, e.stripe_reference
     from escrow_ledger_entries e
     where ${conditions.join(' and ')}
     order by e.position, e.entry_index
     limit ${params.add(filter.limit)}`,
    params.values,
  );
  return rows.map(entryOf);
}

function entryOf(row: Record<string, unknown>): LedgerEntry {
  return {
    position: String(row.position),
    entryIndex: Number(row.entry_index),
    transactionId: String(row.transaction_id),
    account: String(row.account),
    debitCents: centsFromColumn(row.debit_cents, 'debit'),
    creditCents: centsFromColumn(row.credit_cents, 'credit'),
    balanceAfterCents: centsFromColumn(row.balance_after_cents, 'balance after'),
    occurredAt: isoFromColumn(row.occurred_at),
    eventId: String(row.event_id),
    eventType: String(row.event_type),
    contractId: String(row.contract_id),
    milestoneId: String(row.milestone_id),
    stripeReference: String(row.stripe_reference),
  };
}

export async function accountExists(db: SqlExecutor, account: string): Promise<boolean> {
  const { rows } = await db.query('select 1 from escrow_ledger_balances where account = $1', [account]);
  return rows.length > 0;
}

/** Who owns a contract, as the ledger learnt it from ContractCreated (null when unknown). */
export async function findContractOwner(db: SqlExecutor, contractId: string): Promise<{ employerId: string; trainerId: string } | null> {
  const { rows } = await db.query<{ employer_id: string; trainer_id: string }>(
    'select employer_id, trainer_id from escrow_ledger_contracts where contract_id = $1',
    [contractId],
  );
  const row = rows[0];
  return row ? { employerId: row.employer_id, trainerId: row.trainer_id } : null;
}

/** The last position the ledger has applied (null before the first event). */
export function ledgerCheckpoint(db: SqlExecutor): Promise<string | null> {
  return readCheckpoint(db, escrowLedgerProjectionName);
}
