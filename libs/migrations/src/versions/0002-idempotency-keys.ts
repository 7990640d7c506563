import type { SchemaMigration } from '../schema-migration';

/**
 * The api's idempotency keys: a retried request replays its first answer instead of acting twice.
 * The lease columns came later: `add column if not exists` upgrades keys tables made before them
 * (a claim without a lease, left by an older process, counts from its creation).
 * Baseline: written with `if not exists` so that a database created before versioned migrations is
 * adopted as it stands. Frozen: a change to these tables is a new migration, never an edit here.
 */
export const idempotencyKeys: SchemaMigration = {
  name: '0002_idempotency_keys',
  sql: `
create table if not exists idempotency_keys (
  scope            text not null,
  key              text not null,
  request_hash     text not null,
  state            text not null,
  response_status  int,
  response_body    jsonb,
  created_at       timestamptz not null default now(),
  claimed_at       timestamptz,
  lease_expires_at timestamptz,
  claim_id         text,
  primary key (scope, key)
);
alter table idempotency_keys add column if not exists claimed_at timestamptz;
alter table idempotency_keys add column if not exists lease_expires_at timestamptz;
alter table idempotency_keys add column if not exists claim_id text;
`,
};
