import type { SchemaMigration } from '../schema-migration';

/**
 * Auto-release due dates and reminders (jobs, not a read model: they are not rebuilt).
 * Baseline: written with `if not exists` so that a database created before versioned migrations is
 * adopted as it stands. Frozen: a change to these tables is a new migration, never an edit here.
 */
export const autoReleaseJobs: SchemaMigration = {
  name: '0005_auto_release_jobs',
  sql: `
create table if not exists auto_release_jobs (
  job_key         text primary key,
  cause_event_id  text not null,
  days_before     int not null check (days_before >= 0),
  contract_id     text not null,
  milestone_id    text not null,
  correlation_id  text not null,
  pending_since   timestamptz not null,
  due_at          timestamptz not null,
  status          text not null default 'pending' check (status in ('pending', 'done', 'skipped', 'cancelled', 'dead')),
  attempts        int not null default 0,
  last_error      text,
  outcome         text,
  leased_until    timestamptz,
  lease_owner     text,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now()
);
create index if not exists auto_release_jobs_due on auto_release_jobs (due_at) where status = 'pending';
create index if not exists auto_release_jobs_milestone on auto_release_jobs (contract_id, milestone_id) where status = 'pending';
create index if not exists auto_release_jobs_given_up on auto_release_jobs (contract_id, milestone_id) where status = 'dead';
`,
};
