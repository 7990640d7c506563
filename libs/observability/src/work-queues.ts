import type { EffectKind, EffectStatus } from '@escrow/payment-process';
import type { SqlExecutor } from '@escrow/sql';

/** Counts by status of the durable queues people watch; a table not created yet counts as empty. */
export interface WorkQueueDepths {
  /** `saga_effects` (payment-process): money movements owed to the provider, by kind and status (pending, done, dead). */
  readonly sagaEffects: readonly { readonly kind: string; readonly status: string; readonly count: number }[];
  /** `saga_dead_letters` not yet resolved: outcomes a contract refused, waiting for a person. */
  readonly deadLetters: number;
  /** `stripe_webhook_inbox` (payments) still to apply: `pending`, and `failed` (waiting for a retry). */
  readonly webhookInbox: readonly { readonly status: string; readonly count: number }[];
  /** `auto_release_jobs` given up on (`dead`), waiting for support. */
  readonly autoReleaseGivenUp: number;
}

const webhookInboxOpenStatuses = ['pending', 'failed'] as const;
const effectKinds: readonly EffectKind[] = ['charge', 'transfer', 'refund'];
const effectStatuses: readonly EffectStatus[] = ['pending', 'done', 'dead'];

/**
 * Read at scrape time. The saga effects are counted whole (one row per money movement: a small
 * table); the others only over their open rows, which their partial indexes cover.
 */
export async function workQueueDepths(db: SqlExecutor): Promise<WorkQueueDepths> {
  const present = await presentTables(db, ['saga_effects', 'saga_dead_letters', 'stripe_webhook_inbox', 'auto_release_jobs']);
  const [sagaEffects, deadLetters, webhookInbox, autoReleaseGivenUp] = await Promise.all([
    present.has('saga_effects')
      ? db.query<{ kind: string; status: string; count: number }>('select kind, status, count(*)::int as count from saga_effects group by kind, status')
      : null,
    present.has('saga_dead_letters') ? db.query<{ count: number }>('select count(*)::int as count from saga_dead_letters where resolved_at is null') : null,
    present.has('stripe_webhook_inbox')
      ? db.query<{ status: string; count: number }>(
          'select status, count(*)::int as count from stripe_webhook_inbox where status = any($1::text[]) group by status',
          [webhookInboxOpenStatuses],
        )
      : null,
    present.has('auto_release_jobs') ? db.query<{ count: number }>(`select count(*)::int as count from auto_release_jobs where status = 'dead'`) : null,
  ]);
  const inboxCounts = new Map((webhookInbox?.rows ?? []).map((row) => [row.status, row.count]));
  const effectCounts = new Map((sagaEffects?.rows ?? []).map((row) => [`${row.kind}/${row.status}`, row.count]));
  return {
    // Every kind and status, zero included: an alert on a count needs its series to exist.
    sagaEffects: effectKinds.flatMap((kind) => effectStatuses.map((status) => ({ kind, status, count: effectCounts.get(`${kind}/${status}`) ?? 0 }))),
    deadLetters: deadLetters?.rows[0]?.count ?? 0,
    webhookInbox: webhookInboxOpenStatuses.map((status) => ({ status, count: inboxCounts.get(status) ?? 0 })),
    autoReleaseGivenUp: autoReleaseGivenUp?.rows[0]?.count ?? 0,
  };
}

async function presentTables(db: SqlExecutor, tables: readonly string[]): Promise<Set<string>> {
  const { rows } = await db.query<{ name: string }>(
    'select name from unnest($1::text[]) as name where to_regclass(name) is not null',
    [tables],
  );
  return new Set(rows.map((row) => row.name));
}
