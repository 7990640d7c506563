/**
 * The escrow ledger read model. Positions and account names sort with the "C" collation: byte
 * order is log order for positions, and account order is then the same on every database.
 * Cents are bigint; read them back as text (pg and PGlite disagree on int8).
 */
export const escrowLedgerSchema = `
create table if not exists escrow_ledger_transactions (
  transaction_id   text primary key,
  position         text collate "C" not null unique,
  occurred_at      timestamptz not null,
  event_id         text not null,
  event_type       text not null,
  contract_id      text not null,
  milestone_id     text not null,
  stripe_reference text not null
);
create table if not exists escrow_ledger_entries (
  position            text collate "C" not null,
  entry_index         integer not null,
  transaction_id      text not null,
  account             text collate "C" not null,
  debit_cents         bigint not null check (debit_cents >= 0),
  credit_cents        bigint not null check (credit_cents >= 0),
  balance_after_cents bigint not null,
  occurred_at         timestamptz not null,
  event_id            text not null,
  event_type          text not null,
  contract_id         text not null,
  milestone_id        text not null,
  stripe_reference    text not null,
  primary key (position, entry_index)
);
create index if not exists escrow_ledger_entries_account on escrow_ledger_entries (account, position, entry_index);
create index if not exists escrow_ledger_entries_occurred on escrow_ledger_entries (occurred_at);
create table if not exists escrow_ledger_balances (
  account      text collate "C" primary key,
  debit_cents  bigint not null,
  credit_cents bigint not null,
  position     text collate "C" not null
);
create table if not exists escrow_ledger_totals (
  id           smallint primary key check (id = 1),
  debit_cents  bigint not null,
  credit_cents bigint not null
);
create table if not exists escrow_ledger_contracts (
  contract_id    text primary key,
  employer_id    text not null,
  trainer_id     text not null,
  funded_cents   bigint not null default 0,
  released_cents bigint not null default 0,
  refunded_cents bigint not null default 0,
  chargeback_lost_cents bigint not null default 0
);
-- Read models created before chargebacks: the column is added in place (a rebuild also works).
alter table escrow_ledger_contracts add column if not exists chargeback_lost_cents bigint not null default 0;
create index if not exists escrow_ledger_contracts_employer on escrow_ledger_contracts (employer_id);
`;

export const escrowLedgerTables: readonly string[] = [
  'escrow_ledger_transactions',
  'escrow_ledger_entries',
  'escrow_ledger_balances',
  'escrow_ledger_totals',
  'escrow_ledger_contracts',
];
