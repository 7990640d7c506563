/**
 * The invoices read model and the facts it keeps from earlier events. Money in integer cents
 * (bigint); timestamps as the ISO-8601 strings the events carry, so they come back unchanged.
 * Positions sort with the "C" collation: they are fixed-width strings ordered byte by byte.
 */
export const invoiceTables = ['invoices', 'invoice_series', 'invoice_contracts', 'invoice_milestones'] as const;

export const invoicesSchema = `
create table if not exists invoices (
  id                text primary key,
  number            text not null unique,
  series            text not null,
  sequence          bigint not null check (sequence >= 1),
  kind              text not null check (kind in ('employer_funding', 'trainer_payout')),
  issued_at         text not null,
  contract_id       text not null,
  milestone_id      text not null,
  employer_id       text not null,
  trainer_id        text not null,
  project_name      text not null,
  milestone_name    text not null,
  description       text,
  billing_type      text not null,
  currency          text not null,
  amount_cents      bigint not null check (amount_cents > 0),
  fee_cents         bigint check (fee_cents >= 0),
  net_cents         bigint check (net_cents >= 0),
  refunded_cents    bigint not null check (refunded_cents >= 0 and refunded_cents <= amount_cents),
  payment_status    text not null check (payment_status in ('paid', 'partially_refunded', 'refunded')),
  payment_intent_id text,
  charge_id         text,
  transfer_id       text,
  refund_ids        jsonb not null,
  source_event_id   text not null unique,
  position          text not null,
  updated_at        text not null,
  unique (series, sequence)
);
create index if not exists invoices_position on invoices (position collate "C");
create index if not exists invoices_contract on invoices (contract_id, position collate "C");
create index if not exists invoices_employer on invoices (employer_id, position collate "C");
create index if not exists invoices_trainer on invoices (trainer_id, position collate "C");

create table if not exists invoice_series (
  series        text primary key,
  last_sequence bigint not null check (last_sequence >= 1)
);

create table if not exists invoice_contracts (
  contract_id  text primary key,
  project_name text not null,
  employer_id  text not null,
  trainer_id   text not null
);

create table if not exists invoice_milestones (
  contract_id        text not null,
  milestone_id       text not null,
  facts              jsonb not null,
  primary key (contract_id, milestone_id)
);
`;
