import { createHash, randomUUID } from 'node:crypto';
import type { SqlDb } from '@escrow/sql';

/**
 * How long a claim holds its key without news from the request that made it (the request renews
 * it while it runs). Past it, the process is taken for dead (kill -9, lost connection) and a
 * retry with the same request takes the claim over instead of waiting for an answer that will
 * never come.
 */
export const idempotencyLeaseMsDefault = 60_000;

export type Claim =
  | { readonly outcome: 'claimed'; readonly owner: ClaimOwner; readonly takenOver: boolean }
  | { readonly outcome: 'replay'; readonly status: number; readonly body: unknown }
  | { readonly outcome: 'in_progress'; readonly leaseLeftMs: number }
  | { readonly outcome: 'mismatch' };

/** Who holds a key: only the holder may renew, complete or release it (not one it lost to a takeover). */
export interface ClaimOwner {
  readonly scope: string;
  readonly key: string;
  readonly claimId: string;
}

export interface IdempotencyStoreOptions {
  readonly leaseMs?: number;
}

const leaseInterval = `$1::double precision * interval '1 millisecond'`;

/**
 * One row per (caller, key), bound to a hash of the request. The first request claims the row
 * for a lease; later ones with the same hash get its stored response, with another hash a
 * refusal. Times are the database's, so processes with skewed clocks agree on expiry.
 */
export class IdempotencyStore {
  readonly leaseMs: number;

  constructor(
    private readonly db: SqlDb,
    options: IdempotencyStoreOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? idempotencyLeaseMsDefault;
    if (!Number.isSafeInteger(this.leaseMs) || this.leaseMs <= 0) throw new RangeError(`idempotency lease: ${this.leaseMs} is not a positive number of ms`);
  }


  static requestHash(method: string, path: string, body: unknown): string {
    return createHash('sha256').update(`${method} ${path}\n${canonicalJson(body)}`).digest('hex');
  }

  async claim(scope: string, key: string, hash: string): Promise<Claim> {
    const owner = { scope, key, claimId: randomUUID() };
    const inserted = await this.db.query(
      `insert into idempotency_keys (scope, key, request_hash, state, claim_id, claimed_at, lease_expires_at)
       values ($2, $3, $4, 'in_progress', $5, now(), now() + ${leaseInterval})
       on conflict (scope, key) do nothing returning key`,
      [this.leaseMs, scope, key, hash, owner.claimId],
    );
    if (inserted.rowCount > 0) return { outcome: 'claimed', owner, takenOver: false };
    if (await this.takeOver(owner, hash)) return { outcome: 'claimed', owner, takenOver: true };
    return (await this.inspect(scope, key, hash)) ?? this.claim(scope, key, hash); // released meanwhile: claim again
  }

  /**
   * The claim of a request whose lease ran out, for a retry of that same request. One UPDATE:
   * of two retries racing for it, the second finds the lease renewed and stays out.
   */
  private async takeOver(owner: ClaimOwner, hash: string): Promise<boolean> {
    const taken = await this.db.query(
      `update idempotency_keys set claim_id = $5, claimed_at = now(), lease_expires_at = now() + ${leaseInterval}
       where scope = $2 and key = $3 and request_hash = $4 and state = 'in_progress'
         and coalesce(lease_expires_at, created_at + ${leaseInterval}) <= now()
       returning key`,
      [this.leaseMs, owner.scope, owner.key, hash, owner.claimId],
    );
    return taken.rowCount > 0;
  }

  private async inspect(scope: string, key: string, hash: string): Promise<Claim | null> {
    const { rows } = await this.db.query<{ request_hash: string; state: string; response_status: number | null; response_body: unknown; lease_left_ms: number }>(
      `select request_hash, state, response_status, response_body,
              greatest(0, ceil(extract(epoch from coalesce(lease_expires_at, created_at + ${leaseInterval}) - now()) * 1000))::int as lease_left_ms
       from idempotency_keys where scope = $2 and key = $3`,
      [this.leaseMs, scope, key],
    );
    const row = rows[0];
    if (!row) return null;
    if (row.request_hash !== hash) return { outcome: 'mismatch' };
    if (row.state !== 'completed' || row.response_status === null) return { outcome: 'in_progress', leaseLeftMs: Number(row.lease_left_ms) };
    return { outcome: 'replay', status: row.response_status, body: row.response_body };
  }

  /** The request is still running: its claim holds for another lease. False when it lost the claim. */
  async renew(owner: ClaimOwner): Promise<boolean> {
    const renewed = await this.db.query(
      `update idempotency_keys set lease_expires_at = now() + ${leaseInterval}
       where scope = $2 and key = $3 and claim_id = $4 and state = 'in_progress' returning key`,
      [this.leaseMs, owner.scope, owner.key, owner.claimId],
    );
    return renewed.rowCount > 0;
  }

  /** A final answer: replayed to every later request with this key and body. */
  async complete(owner: ClaimOwner, status: number, body: unknown): Promise<void> {
    await this.db.query(
      `update idempotency_keys set state = 'completed', response_status = $4, response_body = $5::jsonb
       where scope = $1 and key = $2 and claim_id = $3`,
      [owner.scope, owner.key, owner.claimId, status, JSON.stringify(body ?? null)],
    );
  }

  /** A failure that a retry may cure (5xx, a concurrent update): forget the key so the retry runs again. */
  async release(owner: ClaimOwner): Promise<void> {
    await this.db.query('delete from idempotency_keys where scope = $1 and key = $2 and claim_id = $3', [owner.scope, owner.key, owner.claimId]);
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
