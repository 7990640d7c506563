import type { SchemaMigration } from '../schema-migration';

/**
 * The payment saga's effects (charges, transfers, refunds to make), each recorded once per cause.
 * Baseline: written with `if not exists` so that a database created before versioned migrations is
 * adopted as it stands. Frozen: a change to these tables is a new migration, never an edit here.
 */
export const sagaEffects: SchemaMigration = {
  name: '0003_saga_effects',
  sql: `
create table if not exists saga_effects (
  idempotency_key    text primary key,
  kind               text not null check (kind in ('charge', 'transfer', 'refund')),
  contract_id        text not null,
  milestone_id       text not null,
  cause_event_id     uuid not null,
  cause_event_type   text not null,
  correlation_id     text not null,
  request            jsonb not null,
  status             text not null default 'pending' check (status in ('pending', 'done', 'dead')),
  attempts           int not null default 0,
  next_attempt_at    timestamptz not null default now(),
  leased_until       timestamptz,
  lease_owner        text,
  first_attempted_at timestamptz,
  last_error         text,
  outcome            jsonb,
  created_at         timestamptz not null default now(),
  updated_at         timestamptz not null default now()
);
create index if not exists saga_effects_due on saga_effects (next_attempt_at) where status = 'pending';
create index if not exists saga_effects_milestone on saga_effects (contract_id, milestone_id);
`,
};
