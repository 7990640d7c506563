import type { SchemaMigration } from '../schema-migration';

/**
 * The simulated payment provider's whole state (the embedded default's stand-in for Stripe).
 * Baseline: written with `if not exists` so that a database created before versioned migrations is
 * adopted as it stands. Frozen: a change to these tables is a new migration, never an edit here.
 */
export const simulatedGateway: SchemaMigration = {
  name: '0007_simulated_gateway',
  sql: `
create table if not exists simgw_idempotency (
  kind            text not null,
  idempotency_key text not null,
  request_hash    text not null,
  -- null only inside the transaction that claimed the key; set before it commits
  outcome         jsonb,
  created_at      timestamptz not null default now(),
  primary key (kind, idempotency_key)
);
create table if not exists simgw_customers (
  customer_id text primary key,
  employer_id text not null unique,
  created_at  timestamptz not null default now()
);
create table if not exists simgw_payment_methods (
  customer_id       text not null references simgw_customers (customer_id),
  payment_method_id text not null,
  attached_at       timestamptz not null default now(),
  primary key (customer_id, payment_method_id)
);
create table if not exists simgw_accounts (
  account_id      text primary key,
  trainer_id      text not null unique,
  payouts_enabled boolean not null,
  created_at      timestamptz not null default now()
);
-- Accounts opened before countries were taken were all opened in the US.
alter table simgw_accounts add column if not exists country text not null default 'US';
create table if not exists simgw_payment_intents (
  sequence          bigserial primary key,
  payment_intent_id text not null unique,
  charge_id         text unique,
  customer_id       text not null references simgw_customers (customer_id),
  payment_method_id text not null,
  amount_cents      bigint not null check (amount_cents > 0),
  currency          text not null,
  status            text not null check (status in ('succeeded', 'requires_payment_method')),
  decline_code      text,
  transfer_group    text not null,
  metadata          jsonb not null,
  created_at        timestamptz not null default now(),
  check ((status = 'succeeded') = (charge_id is not null))
);
create table if not exists simgw_transfers (
  sequence               bigserial primary key,
  transfer_id            text not null unique,
  amount_cents           bigint not null check (amount_cents > 0),
  currency               text not null,
  destination_account_id text not null references simgw_accounts (account_id),
  source_charge_id       text not null references simgw_payment_intents (charge_id),
  transfer_group         text not null,
  metadata               jsonb not null,
  created_at             timestamptz not null default now()
);
create index if not exists simgw_transfers_source_charge on simgw_transfers (source_charge_id);
create table if not exists simgw_refunds (
  sequence     bigserial primary key,
  refund_id    text not null unique,
  amount_cents bigint not null check (amount_cents > 0),
  currency     text not null,
  charge_id    text not null references simgw_payment_intents (charge_id),
  metadata     jsonb not null,
  created_at   timestamptz not null default now()
);
create index if not exists simgw_refunds_charge on simgw_refunds (charge_id);
-- Subscription plans (Stripe Billing): billed apart from milestone charges, so kept apart from
-- the payment intents (reconciliation of escrow money never sees them).
create table if not exists simgw_subscriptions (
  subscription_id    text primary key,
  customer_id        text not null references simgw_customers (customer_id),
  payment_method_id  text not null,
  price_id           text not null,
  plan_id            text not null,
  status             text not null,
  current_period_end timestamptz not null,
  latest_invoice_id  text not null,
  created_at         timestamptz not null default now()
);
-- Added after the table: a database made before cancels existed gets the column at its next start.
alter table simgw_subscriptions add column if not exists canceled_at timestamptz;
`,
};
