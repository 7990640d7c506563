import { createHash } from 'node:crypto';
import { migrate, type SqlDb } from '@escrow/sql';

export const idempotencySchema = `
create table if not exists idempotency_keys (
  scope           text not null,
  key             text not null,
  request_hash    text not null,
  state           text not null,
  response_status int,
  response_body   jsonb,
  created_at      timestamptz not null default now(),
  primary key (scope, key)
);`;

export type Claim =
  | { readonly outcome: 'claimed' }
  | { readonly outcome: 'replay'; readonly status: number; readonly body: unknown }
  | { readonly outcome: 'in_progress' }
  | { readonly outcome: 'mismatch' };

/**
 * One row per (caller, key), bound to a hash of the request. The first request claims the row;
 * later ones with the same hash get its stored response, with another hash a refusal.
 */
export class IdempotencyStore {
  constructor(private readonly db: SqlDb) {}

  async prepare(): Promise<void> {
    await migrate(this.db, 'idempotency_schema', idempotencySchema);
  }

  static requestHash(method: string, path: string, body: unknown): string {
    return createHash('sha256').update(`${method} ${path}\n${canonicalJson(body)}`).digest('hex');
  }

  async claim(scope: string, key: string, hash: string): Promise<Claim> {
    const inserted = await this.db.query(
      `insert into idempotency_keys (scope, key, request_hash, state) values ($1, $2, $3, 'in_progress')
       on conflict (scope, key) do nothing returning key`,
      [scope, key, hash],
    );
    if (inserted.rowCount > 0) return { outcome: 'claimed' };
    const { rows } = await this.db.query<{ request_hash: string; state: string; response_status: number | null; response_body: unknown }>(
      'select request_hash, state, response_status, response_body from idempotency_keys where scope = $1 and key = $2',
      [scope, key],
    );
    const row = rows[0];
    if (!row) return this.claim(scope, key, hash); // released between our insert and select
    if (row.request_hash !== hash) return { outcome: 'mismatch' };
    if (row.state !== 'completed' || row.response_status === null) return { outcome: 'in_progress' };
    return { outcome: 'replay', status: row.response_status, body: row.response_body };
  }

  async complete(scope: string, key: string, status: number, body: unknown): Promise<void> {
    await this.db.query(
      `update idempotency_keys set state = 'completed', response_status = $3, response_body = $4::jsonb
       where scope = $1 and key = $2`,
      [scope, key, status, JSON.stringify(body ?? null)],
    );
  }

  /** A failure that a retry may cure (5xx): forget the key so the retry runs again. */
  async release(scope: string, key: string): Promise<void> {
    await this.db.query('delete from idempotency_keys where scope = $1 and key = $2', [scope, key]);
  }
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}
