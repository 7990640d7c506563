import type { SchemaMigration } from '../schema-migration';

/**
 * The saga's payout retries and its dead letters.
 * Baseline: written with `if not exists` so that a database created before versioned migrations is
 * adopted as it stands. Frozen: a change to these tables is a new migration, never an edit here.
 */
export const sagaPayouts: SchemaMigration = {
  name: '0004_saga_payouts',
  sql: `
create table if not exists saga_payouts (
  contract_id     text not null,
  milestone_id    text not null,
  trainer_id      text not null,
  attempts        int not null,
  last_reason     text,
  next_attempt_at timestamptz not null,
  primary key (contract_id, milestone_id)
);
create index if not exists saga_payouts_due on saga_payouts (next_attempt_at);
create table if not exists saga_dead_letters (
  id           bigserial primary key,
  event_id     uuid not null,
  event_type   text not null,
  contract_id  text,
  milestone_id text,
  error        text not null,
  created_at   timestamptz not null default now(),
  resolved_at  timestamptz
);
`,
};
