import { createHash } from 'node:crypto';
import { assert } from '@escrow/domain';
import type { SqlDb, SqlExecutor } from '@escrow/sql';
import { PaymentGatewayError } from '../payment-gateway';

/** Keys live in one namespace per kind of request, so a charge and a transfer may share one. */
export type OperationKind = 'charge' | 'transfer' | 'refund' | 'attach' | 'account' | 'setup_intent' | 'subscription' | 'subscription_cancel';

/** Stripe's own limit on an idempotency key's length. */
export const idempotencyKeyLengthMax = 255;

/**
 * What applying a request produced. `keep: false` means nothing was done (a transfer or a
 * refund the provider refused), so nothing is stored and the key stays free for a later retry.
 */
export interface Applied<T> {
  readonly outcome: T;
  readonly keep: boolean;
}

/** Carries an outcome out of a transaction that must roll back (so the claimed key is freed). */
class NotKept<T> extends Error {
  constructor(readonly outcome: T) {
    super('outcome not kept');
  }
}

/**
 * Runs `apply` at most once per (kind, key), Stripe-style: the key is bound to a hash of the
 * parameters; the same parameters get the first outcome back, other parameters are refused.
 * The key row is inserted first, in the same transaction as the work, so a concurrent call with
 * the same key waits on the unique index and then reads the committed outcome instead of acting.
 */
export async function runOnce<T>(
  db: SqlDb,
  kind: OperationKind,
  key: string,
  params: unknown,
  apply: (tx: SqlExecutor) => Promise<Applied<T>>,
): Promise<T> {
  assert(key.length > 0, 'an idempotency key is given');
  assert(key.length <= idempotencyKeyLengthMax, `an idempotency key has at most ${idempotencyKeyLengthMax} characters`);
  const hash = requestHash(params);
  try {
    return await db.transaction(async (tx) => {
      const stored = await claimKey(tx, kind, key, hash);
      if (stored) return stored.outcome as T;
      const applied = await apply(tx);
      if (!applied.keep) throw new NotKept(applied.outcome);
      await tx.query('update simgw_idempotency set outcome = $3::jsonb where kind = $1 and idempotency_key = $2', [
        kind,
        key,
        JSON.stringify(applied.outcome),
      ]);
      return applied.outcome;
    });
  } catch (error) {
    if (error instanceof NotKept) return error.outcome as T;
    throw error;
  }
}

/** Null when this call claimed the key; the stored outcome when an earlier call did. */
async function claimKey(tx: SqlExecutor, kind: OperationKind, key: string, hash: string): Promise<{ outcome: unknown } | null> {
  const claimed = await tx.query(
    `insert into simgw_idempotency (kind, idempotency_key, request_hash) values ($1, $2, $3)
     on conflict do nothing returning kind`,
    [kind, key, hash],
  );
  if (claimed.rows.length === 1) return null;
  const { rows } = await tx.query<{ request_hash: string; outcome: unknown }>(
    'select request_hash, outcome from simgw_idempotency where kind = $1 and idempotency_key = $2',
    [kind, key],
  );
  const row = rows[0];
  assert(row !== undefined, 'a conflicting idempotency key is committed');
  if (row.request_hash !== hash) {
    throw new PaymentGatewayError(
      `Keys for idempotent requests can only be used with the same parameters they were first used with: '${key}' (${kind})`,
      false,
      'idempotency_key_reused',
    );
  }
  assert(row.outcome !== null && row.outcome !== undefined, 'a committed idempotency key has its outcome');
  return { outcome: row.outcome };
}

/** A hash of the request's parameters that does not depend on the order of object keys. */
export function requestHash(params: unknown): string {
  return createHash('sha256').update(canonicalJson(params)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, member]) => member !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([name, member]) => `${JSON.stringify(name)}:${canonicalJson(member)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** How many requests of this kind actually acted (replays and refused requests store no row). */
export async function actedCount(db: SqlDb, kind: OperationKind): Promise<number> {
  const { rows } = await db.query<{ count: number }>('select count(*)::int as count from simgw_idempotency where kind = $1', [kind]);
  return rows[0]?.count ?? 0;
}
