import { assert, domainEventOf, type AnyDomainEvent } from '@escrow/domain';
import type { RecordedEvent } from '@escrow/event-store';
import { escrowAccount, postingOf, type AccountTotals, type JournalTransaction } from '@escrow/ledger';
import type { Projection } from '@escrow/projector';
import type { SqlExecutor } from '@escrow/sql';
import { centsFromColumn } from './cents-column';
import {
  assertEscrowHeld,
  assertEscrowNotNegative,
  assertLedgerBalanced,
  escrowMovement,
  evolveBalance,
  type ContractEscrow,
} from './escrow-ledger.evolve';
import { escrowLedgerSchema, escrowLedgerTables } from './escrow-ledger.schema';

export const escrowLedgerProjectionName = 'escrow-ledger';

/**
 * Posts each money event as one balanced journal transaction and keeps balances current. The
 * invariants are asserted here, inside the projector's transaction: a violation rolls the batch
 * back and stops the projector loudly instead of storing a ledger that does not add up.
 *
 * A batch costs a constant number of statements: it loads the balances, contracts and totals it
 * touches, folds its events in memory in log order (asserting every invariant after each event,
 * as applying them one by one would), then writes every changed row with one statement per table.
 */
export const escrowLedgerProjection: Projection = {
  name: escrowLedgerProjectionName,
  schema: escrowLedgerSchema,
  tables: escrowLedgerTables,
  applyBatch: applyLedgerBatch,
};

/** What the ledger does with one event of the log. */
type LedgerStep =
  | { readonly kind: 'contract'; readonly contractId: string; readonly employerId: string; readonly trainerId: string }
  | { readonly kind: 'posting'; readonly transaction: JournalTransaction; readonly event: AnyDomainEvent };

interface ContractRow extends ContractEscrow {
  readonly employerId: string;
  readonly trainerId: string;
}

interface BalanceRow extends AccountTotals {
  readonly position: string;
}

/** The rows a batch reads before folding, and (changed) writes after. */
interface LedgerState {
  readonly balances: Map<string, BalanceRow>;
  readonly contracts: Map<string, ContractRow>;
  totals: AccountTotals | null;
}

/** The rows a batch adds; updated balances, contracts and totals are the changed parts of the state. */
interface LedgerWrites {
  readonly transactions: JournalTransaction[];
  readonly entries: EntryRow[];
  readonly balances: Set<string>;
  readonly contracts: Set<string>;
  totals: boolean;
}

interface EntryRow {
  readonly transaction: JournalTransaction;
  readonly entryIndex: number;
  readonly account: string;
  readonly debitCents: number;
  readonly creditCents: number;
  readonly balanceAfterCents: number;
}

async function applyLedgerBatch(tx: SqlExecutor, events: readonly RecordedEvent[]): Promise<void> {
  // An event the posting rules refuse fails the batch only once the events before it have been
  // folded (and checked), so the batch reports its first broken event, as event by event would.
  const steps: LedgerStep[] = [];
  let refused: { error: unknown } | null = null;
  for (const event of events) {
    try {
      const step = stepOf(event);
      if (step !== null) steps.push(step);
    } catch (error) {
      refused = { error };
      break;
    }
  }
  const state = steps.length === 0 ? null : await loadState(tx, steps);
  const writes = state === null ? null : foldSteps(state, steps);
  if (refused !== null) throw refused.error;
  if (state !== null && writes !== null) await writeState(tx, state, writes);
}

/** Pure: the posting rules read one event (throwing on broken money data). */
function stepOf(recorded: RecordedEvent): LedgerStep | null {
  const event = domainEventOf(recorded);
  if (event === null) return null;
  if (event.type === 'ContractCreated') {
    const { contractId, employerId, trainerId } = event.data;
    return { kind: 'contract', contractId, employerId, trainerId };
  }
  const transaction = postingOf(recorded);
  return transaction === null ? null : { kind: 'posting', transaction, event };
}

async function loadState(tx: SqlExecutor, steps: readonly LedgerStep[]): Promise<LedgerState> {
  const accounts = new Set<string>();
  const contractIds = new Set<string>();
  let posts = false;
  for (const step of steps) {
    if (step.kind === 'contract') {
      contractIds.add(step.contractId);
      continue;
    }
    posts = true;
    contractIds.add(step.transaction.contractId);
    for (const entry of step.transaction.entries) accounts.add(entry.account);
  }
  const state: LedgerState = { balances: new Map(), contracts: new Map(), totals: null };
  if (accounts.size > 0) {
    const { rows } = await tx.query<{ account: string; debit_cents: string; credit_cents: string; position: string }>(
      `select account, debit_cents::text as debit_cents, credit_cents::text as credit_cents, position
       from escrow_ledger_balances where account = any($1::text[])`,
      [[...accounts]],
    );
    for (const row of rows) state.balances.set(row.account, { ...totalsOf(row, row.account), position: row.position });
  }
  if (contractIds.size > 0) {
    const { rows } = await tx.query<{
      contract_id: string; employer_id: string; trainer_id: string; funded_cents: string; released_cents: string; refunded_cents: string;
      chargeback_lost_cents: string;
    }>(
      `select contract_id, employer_id, trainer_id, funded_cents::text as funded_cents, released_cents::text as released_cents,
              refunded_cents::text as refunded_cents, chargeback_lost_cents::text as chargeback_lost_cents
       from escrow_ledger_contracts where contract_id = any($1::text[])`,
      [[...contractIds]],
    );
    for (const row of rows) {
      state.contracts.set(row.contract_id, {
        contractId: row.contract_id,
        employerId: row.employer_id,
        trainerId: row.trainer_id,
        fundedCents: centsFromColumn(row.funded_cents, 'funded'),
        releasedCents: centsFromColumn(row.released_cents, 'released'),
        refundedCents: centsFromColumn(row.refunded_cents, 'refunded'),
        chargebackLostCents: centsFromColumn(row.chargeback_lost_cents, 'chargeback lost'),
      });
    }
  }
  if (posts) {
    const { rows } = await tx.query<{ debit_cents: string; credit_cents: string }>(
      'select debit_cents::text as debit_cents, credit_cents::text as credit_cents from escrow_ledger_totals where id = 1',
    );
    if (rows[0] !== undefined) state.totals = totalsOf(rows[0], 'ledger totals');
  }
  return state;
}

/**
 * Pure apart from mutating `state`: each step in log order, with the checks applying it alone
 * made, in the same order — so the first broken event fails with the same message.
 */
function foldSteps(state: LedgerState, steps: readonly LedgerStep[]): LedgerWrites {
  const writes: LedgerWrites = { transactions: [], entries: [], balances: new Set(), contracts: new Set(), totals: false };
  for (const step of steps) {
    if (step.kind === 'contract') {
      assert(!state.contracts.has(step.contractId), `contract ${step.contractId} is created once`);
      const { contractId, employerId, trainerId } = step;
      state.contracts.set(contractId, { contractId, employerId, trainerId, fundedCents: 0, releasedCents: 0, refundedCents: 0, chargebackLostCents: 0 });
      writes.contracts.add(step.contractId);
      continue;
    }
    const { transaction, event } = step;
    const { position, contractId } = transaction;
    // Each entry added to its account, in order; the totals after each entry (for running balances).
    const balancesAfter = transaction.entries.map((entry, entryIndex) => {
      const totals = evolveBalance(state.balances.get(entry.account) ?? null, entry);
      assertEscrowNotNegative(entry.account, totals, position);
      state.balances.set(entry.account, { ...totals, position });
      writes.balances.add(entry.account);
      writes.entries.push({
        transaction, entryIndex, account: entry.account, debitCents: entry.debitCents, creditCents: entry.creditCents,
        balanceAfterCents: totals.debitCents - totals.creditCents,
      });
      return totals;
    });
    writes.transactions.push(transaction);
    // One running row for the whole ledger, so "Σ all balances = 0" costs one row, not a scan.
    const debitCents = transaction.entries.reduce((sum, entry) => sum + entry.debitCents, 0);
    const creditCents = transaction.entries.reduce((sum, entry) => sum + entry.creditCents, 0);
    const totals = { debitCents: (state.totals?.debitCents ?? 0) + debitCents, creditCents: (state.totals?.creditCents ?? 0) + creditCents };
    assertSafeCents(totals.debitCents, 'ledger totals debits');
    assertSafeCents(totals.creditCents, 'ledger totals credits');
    state.totals = totals;
    writes.totals = true;
    assertLedgerBalanced(totals, position);
    const movement = escrowMovement(event);
    if (movement === null) continue;
    const before = state.contracts.get(contractId);
    assert(before !== undefined, `contract ${contractId} was created before its money moved (at ${position})`);
    const contract: ContractRow = {
      ...before,
      fundedCents: before.fundedCents + movement.fundedCents,
      releasedCents: before.releasedCents + movement.releasedCents,
      refundedCents: before.refundedCents + movement.refundedCents,
      chargebackLostCents: before.chargebackLostCents + movement.chargebackLostCents,
    };
    assertSafeCents(contract.fundedCents, 'funded');
    assertSafeCents(contract.releasedCents, 'released');
    assertSafeCents(contract.refundedCents, 'refunded');
    assertSafeCents(contract.chargebackLostCents, 'chargeback lost');
    state.contracts.set(contractId, contract);
    writes.contracts.add(contractId);
    const escrow = escrowAccount(contractId);
    const escrowIndex = transaction.entries.findIndex((entry) => entry.account === escrow);
    // A chargeback that takes back exactly the release it reverses leaves escrow untouched.
    const escrowTotals = escrowIndex >= 0 ? balancesAfter[escrowIndex] : (state.balances.get(escrow) ?? { debitCents: 0, creditCents: 0 });
    assert(escrowTotals !== undefined, `${transaction.eventType} at ${position} posts to the escrow of contract ${contractId}`);
    assertEscrowHeld(contract, escrowTotals, position);
  }
  return writes;
}

/** One statement per table; upserted rows are unique per key (the last state of each key). */
async function writeState(tx: SqlExecutor, state: LedgerState, writes: LedgerWrites): Promise<void> {
  if (writes.contracts.size > 0) {
    const c = [...writes.contracts].map((contractId) => state.contracts.get(contractId)!);
    await tx.query(
      `insert into escrow_ledger_contracts
         (contract_id, employer_id, trainer_id, funded_cents, released_cents, refunded_cents, chargeback_lost_cents)
       select * from unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[])
       on conflict (contract_id) do update set
         funded_cents = excluded.funded_cents, released_cents = excluded.released_cents, refunded_cents = excluded.refunded_cents,
         chargeback_lost_cents = excluded.chargeback_lost_cents`,
      [
        c.map((x) => x.contractId), c.map((x) => x.employerId), c.map((x) => x.trainerId),
        c.map((x) => x.fundedCents), c.map((x) => x.releasedCents), c.map((x) => x.refundedCents),
        c.map((x) => x.chargebackLostCents),
      ],
    );
  }
  if (writes.transactions.length > 0) {
    // Transactions and their entries in one statement: each entry names its transaction by its
    // ordinal in the batch and takes the transaction's columns from it.
    const t = writes.transactions;
    const ordinals = new Map(t.map((transaction, index) => [transaction, index + 1]));
    const e = writes.entries;
    await tx.query(
      `with t as (
         select * from unnest($1::text[], $2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
           with ordinality as t(transaction_id, position, occurred_at, event_id, event_type, contract_id, milestone_id, stripe_reference, n)
       ), inserted as (
         insert into escrow_ledger_transactions
           (transaction_id, position, occurred_at, event_id, event_type, contract_id, milestone_id, stripe_reference)
         select transaction_id, position, occurred_at, event_id, event_type, contract_id, milestone_id, stripe_reference from t
       )
       insert into escrow_ledger_entries
         (position, entry_index, transaction_id, account, debit_cents, credit_cents, balance_after_cents,
          occurred_at, event_id, event_type, contract_id, milestone_id, stripe_reference)
       select t.position, e.entry_index, t.transaction_id, e.account, e.debit_cents, e.credit_cents, e.balance_after_cents,
              t.occurred_at, t.event_id, t.event_type, t.contract_id, t.milestone_id, t.stripe_reference
       from unnest($9::bigint[], $10::integer[], $11::text[], $12::bigint[], $13::bigint[], $14::bigint[])
              as e(n, entry_index, account, debit_cents, credit_cents, balance_after_cents)
       join t on t.n = e.n`,
      [
        t.map((x) => x.transactionId), t.map((x) => x.position), t.map((x) => x.occurredAt), t.map((x) => x.eventId),
        t.map((x) => x.eventType), t.map((x) => x.contractId), t.map((x) => x.milestoneId), t.map((x) => x.stripeReference),
        e.map((x) => ordinals.get(x.transaction)), e.map((x) => x.entryIndex), e.map((x) => x.account), e.map((x) => x.debitCents),
        e.map((x) => x.creditCents), e.map((x) => x.balanceAfterCents),
      ],
    );
  }
  if (writes.balances.size > 0) {
    const accounts = [...writes.balances];
    const b = accounts.map((account) => state.balances.get(account)!);
    await tx.query(
      `insert into escrow_ledger_balances (account, debit_cents, credit_cents, position)
       select * from unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[])
       on conflict (account) do update set
         debit_cents = excluded.debit_cents, credit_cents = excluded.credit_cents, position = excluded.position`,
      [accounts, b.map((x) => x.debitCents), b.map((x) => x.creditCents), b.map((x) => x.position)],
    );
  }
  if (writes.totals && state.totals !== null) {
    await tx.query(
      `insert into escrow_ledger_totals (id, debit_cents, credit_cents) values (1, $1, $2)
       on conflict (id) do update set debit_cents = excluded.debit_cents, credit_cents = excluded.credit_cents`,
      [state.totals.debitCents, state.totals.creditCents],
    );
  }
}

/** Checked before the message is built: this runs several times per event. */
function assertSafeCents(cents: number, what: string): void {
  if (!Number.isSafeInteger(cents)) assert(false, `${what} ${cents} is a safe integer`);
}

function totalsOf(row: { debit_cents: string; credit_cents: string }, what: string): AccountTotals {
  return { debitCents: centsFromColumn(row.debit_cents, `${what} debits`), creditCents: centsFromColumn(row.credit_cents, `${what} credits`) };
}
