import type { SchemaMigration } from '../schema-migration';

/**
 * Stripe webhook events as received, until processed.
 * Baseline: written with `if not exists` so that a database created before versioned migrations is
 * adopted as it stands. Frozen: a change to these tables is a new migration, never an edit here.
 */
export const stripeWebhookInbox: SchemaMigration = {
  name: '0006_stripe_webhook_inbox',
  sql: `
create table if not exists stripe_webhook_inbox (
  event_id        text primary key,
  event_type      text not null,
  created         bigint not null,
  livemode        boolean not null,
  payload         jsonb not null,
  receipt         bigserial not null unique,
  received_at     timestamptz not null default clock_timestamp(),
  attempts        int not null default 0,
  status          text not null default 'pending'
                  check (status in ('pending', 'processed', 'failed', 'ignored')),
  outcome         text,
  error           text,
  next_attempt_at timestamptz
);
create index if not exists stripe_webhook_inbox_due on stripe_webhook_inbox (created, receipt)
  where status in ('pending', 'failed');
`,
};
