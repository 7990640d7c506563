import { assert, isContractEvent, type ContractEvent } from '@escrow/domain';
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
  type ContractEscrow,
  type EscrowMovement,
} from './escrow-ledger.evolve';
import { escrowLedgerSchema, escrowLedgerTables } from './escrow-ledger.schema';

export const escrowLedgerProjectionName = 'escrow-ledger';

/**
 * Posts each money event as one balanced journal transaction and keeps balances current. The
 * invariants are asserted here, inside the projector's transaction: a violation rolls the batch
 * back and stops the projector loudly instead of storing a ledger that does not add up.
 */
export const escrowLedgerProjection: Projection = {
  name: escrowLedgerProjectionName,
  schema: escrowLedgerSchema,
  tables: escrowLedgerTables,
  async apply(tx: SqlExecutor, recorded: RecordedEvent) {
    const event = { type: recorded.type, data: recorded.data } as ContractEvent;
    if (!isContractEvent(event)) return;
    if (event.type === 'ContractCreated') return recordContract(tx, event.data);
    const transaction = postingOf(recorded);
    if (transaction === null) return;
    const balancesAfter = await postToBalances(tx, transaction);
    await insertTransaction(tx, transaction, balancesAfter);
    await addToTotals(tx, transaction);
    const movement = escrowMovement(event);
    if (movement !== null) await checkEscrowHeld(tx, transaction, movement, balancesAfter);
  },
};

async function recordContract(tx: SqlExecutor, data: { contractId: string; employerId: string; trainerId: string }): Promise<void> {
  const { rowCount } = await tx.query(
    'insert into escrow_ledger_contracts (contract_id, employer_id, trainer_id) values ($1, $2, $3) on conflict (contract_id) do nothing',
    [data.contractId, data.employerId, data.trainerId],
  );
  assert(rowCount === 1, `contract ${data.contractId} is created once`);
}

/** Each entry added to its account, in order; the totals after each entry (for running balances). */
async function postToBalances(tx: SqlExecutor, transaction: JournalTransaction): Promise<AccountTotals[]> {
  const after: AccountTotals[] = [];
  for (const entry of transaction.entries) {
    const { rows } = await tx.query<{ debit_cents: string; credit_cents: string }>(
      `insert into escrow_ledger_balances (account, debit_cents, credit_cents, position) values ($1, $2, $3, $4)
       on conflict (account) do update set
         debit_cents = escrow_ledger_balances.debit_cents + excluded.debit_cents,
         credit_cents = escrow_ledger_balances.credit_cents + excluded.credit_cents,
         position = excluded.position
       returning debit_cents::text as debit_cents, credit_cents::text as credit_cents`,
      [entry.account, entry.debitCents, entry.creditCents, transaction.position],
    );
    const totals = totalsOf(rows[0], entry.account);
    assertEscrowNotNegative(entry.account, totals, transaction.position);
    after.push(totals);
  }
  return after;
}

async function insertTransaction(tx: SqlExecutor, transaction: JournalTransaction, balancesAfter: readonly AccountTotals[]): Promise<void> {
  const { transactionId, position, occurredAt, eventId, eventType, contractId, milestoneId, stripeReference, entries } = transaction;
  await tx.query(
    `insert into escrow_ledger_transactions
       (transaction_id, position, occurred_at, event_id, event_type, contract_id, milestone_id, stripe_reference)
     values ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [transactionId, position, occurredAt, eventId, eventType, contractId, milestoneId, stripeReference],
  );
  const params: unknown[] = [];
  const rows = entries.map((entry, index) => {
    const totals = balancesAfter[index];
    assert(totals !== undefined, `entry ${index} of ${transactionId} has its balance`);
    const values = [
      position, index, transactionId, entry.account, entry.debitCents, entry.creditCents, totals.debitCents - totals.creditCents,
      occurredAt, eventId, eventType, contractId, milestoneId, stripeReference,
    ];
    const placeholders = values.map((value) => `$${params.push(value)}`);
    return `(${placeholders.join(', ')})`;
  });
  await tx.query(
    `insert into escrow_ledger_entries
       (position, entry_index, transaction_id, account, debit_cents, credit_cents, balance_after_cents,
        occurred_at, event_id, event_type, contract_id, milestone_id, stripe_reference)
     values ${rows.join(', ')}`,
    params,
  );
}

/** One running row for the whole ledger, so "Σ all balances = 0" costs one row per event, not a scan. */
async function addToTotals(tx: SqlExecutor, transaction: JournalTransaction): Promise<void> {
  const debitCents = transaction.entries.reduce((sum, entry) => sum + entry.debitCents, 0);
  const creditCents = transaction.entries.reduce((sum, entry) => sum + entry.creditCents, 0);
  const { rows } = await tx.query<{ debit_cents: string; credit_cents: string }>(
    `insert into escrow_ledger_totals (id, debit_cents, credit_cents) values (1, $1, $2)
     on conflict (id) do update set
       debit_cents = escrow_ledger_totals.debit_cents + excluded.debit_cents,
       credit_cents = escrow_ledger_totals.credit_cents + excluded.credit_cents
     returning debit_cents::text as debit_cents, credit_cents::text as credit_cents`,
    [debitCents, creditCents],
  );
  assertLedgerBalanced(totalsOf(rows[0], 'ledger totals'), transaction.position);
}

async function checkEscrowHeld(
  tx: SqlExecutor,
  transaction: JournalTransaction,
  movement: EscrowMovement,
  balancesAfter: readonly AccountTotals[],
): Promise<void> {
  const { contractId, position } = transaction;
  const { rows } = await tx.query<{ funded_cents: string; released_cents: string; refunded_cents: string }>(
    `update escrow_ledger_contracts set
       funded_cents = funded_cents + $2, released_cents = released_cents + $3, refunded_cents = refunded_cents + $4
     where contract_id = $1
     returning funded_cents::text as funded_cents, released_cents::text as released_cents, refunded_cents::text as refunded_cents`,
    [contractId, movement.fundedCents, movement.releasedCents, movement.refundedCents],
  );
  const row = rows[0];
  assert(row !== undefined, `contract ${contractId} was created before its money moved (at ${position})`);
  const contract: ContractEscrow = {
    contractId,
    fundedCents: centsFromColumn(row.funded_cents, 'funded'),
    releasedCents: centsFromColumn(row.released_cents, 'released'),
    refundedCents: centsFromColumn(row.refunded_cents, 'refunded'),
  };
  const escrowIndex = transaction.entries.findIndex((entry) => entry.account === escrowAccount(contractId));
  const escrowTotals = balancesAfter[escrowIndex];
  assert(escrowTotals !== undefined, `${transaction.eventType} at ${position} posts to the escrow of contract ${contractId}`);
  assertEscrowHeld(contract, escrowTotals, position);
}

function totalsOf(row: { debit_cents: string; credit_cents: string } | undefined, what: string): AccountTotals {
  assert(row !== undefined, `${what}: the upsert returns its row`);
  return { debitCents: centsFromColumn(row.debit_cents, `${what} debits`), creditCents: centsFromColumn(row.credit_cents, `${what} credits`) };
}
