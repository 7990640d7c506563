import { assert } from '@escrow/domain';
import { JobQueue, type JobTable } from '@escrow/jobs';
import type { SqlDb } from '@escrow/sql';
import type Stripe from 'stripe';

/** Told, after commit, of every newly recorded event; the payload is the Stripe event id. */
export const stripeWebhookInboxChannel = 'stripe_webhook_inbox';
/** Upper bound on one `due` or `list` page. */
export const inboxPageSizeMax = 1_000;

export type InboxStatus = 'pending' | 'processed' | 'failed' | 'ignored';

export interface InboxEvent {
  id: string;
  type: string;
  /** Stripe's unix seconds. */
  created: number;
  livemode: boolean;
  /** The whole verified event. */
  payload: Stripe.Event;
  /** ISO-8601 UTC. */
  receivedAt: string;
  /** Failed attempts so far (markFailed adds one). */
  attempts: number;
  status: InboxStatus;
  outcome: string | null;
  error: string | null;
}

/** A mark that does not fit the event's state: a bug in the caller, not a business outcome. */
export class InboxTransitionRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InboxTransitionRefused';
  }
}

interface InboxRow {
  event_id: string;
  event_type: string;
  created: string;
  livemode: boolean;
  payload: Stripe.Event | string;
  received_at: Date | string;
  attempts: number;
  status: InboxStatus;
  outcome: string | null;
  error: string | null;
}

// `created` as text: pg gives int8 as a string and PGlite may give a bigint; text is the same from both.
const columns = `event_id, event_type, created::text as created, livemode, payload, received_at, attempts, status, outcome, error`;
/**
 * The lifecycle columns of the inbox, for the job queue. A new event has no due time (due now);
 * a failed one waits for its retry time; processed and ignored are closed. There are no lease
 * columns, so a claim only reads: were two processors to take one event, its deterministic event
 * id appends it once, and the second close is refused (`InboxTransitionRefused`). A lease needs
 * new columns, which wait for versioned migrations: this table is also the audit record of what
 * Stripe sent.
 */
export const stripeWebhookInboxJobs: JobTable = {
  table: 'stripe_webhook_inbox',
  key: ['event_id'],
  dueAt: { column: 'next_attempt_at', nullable: true },
  attempts: 'attempts',
  error: 'error',
  outcome: { column: 'outcome' },
  order: 'created, receipt',
  states: { column: 'status', open: ['pending', 'failed'], failed: 'failed' },
  lease: { kind: 'none' },
};

/**
 * Verified Stripe events, recorded before we answer Stripe and worked off later by the worker.
 * One row per Stripe event id, so Stripe's redeliveries change nothing.
 */
export class StripeWebhookInbox {
  private readonly jobs: JobQueue;

  constructor(private readonly db: SqlDb) {
    this.jobs = new JobQueue(db, stripeWebhookInboxJobs);
  }


  async record(event: Stripe.Event): Promise<'recorded' | 'duplicate'> {
    // One statement: the NOTIFY is sent only if the insert commits, and only for a new row.
    const { rows } = await this.db.query<{ event_id: string }>(
      `with inserted as (
         insert into stripe_webhook_inbox (event_id, event_type, created, livemode, payload)
         values ($1, $2, $3, $4, $5::jsonb) on conflict (event_id) do nothing returning event_id)
       select event_id, pg_notify($6, event_id) from inserted`,
      [event.id, event.type, event.created, event.livemode, JSON.stringify(event), stripeWebhookInboxChannel],
    );
    return rows.length > 0 ? 'recorded' : 'duplicate';
  }

  /** Pending events, and failed ones whose retry time has come, oldest Stripe `created` first. */
  async due(limit: number, now: Date = new Date()): Promise<InboxEvent[]> {
    assertPageSize(limit);
    const rows = await this.jobs.claim<InboxRow>({ limit, now, returning: columns });
    return rows.map(toInboxEvent);
  }

  /** `outcome` says what was done ("MilestoneFunded appended", "already recorded", ...). */
  async markProcessed(id: string, outcome: string): Promise<void> {
    await this.close(id, 'processed', outcome);
  }

  /** For event types we do not act on; `reason` says why. */
  async markIgnored(id: string, reason: string): Promise<void> {
    await this.close(id, 'ignored', reason);
  }

  async markFailed(id: string, error: string, retryAt: Date): Promise<void> {
    if (!(await this.jobs.retryAt(id, { error, due: { at: retryAt } }))) await this.refuse(id, 'failed');
  }

  /** Support's retry of a failed event: due now, with its failures still counted. */
  async retryNow(id: string): Promise<boolean> {
    return (await this.jobs.rearm(id, { from: ['failed'], due: { at: new Date() } })) === 1;
  }

  async get(id: string): Promise<InboxEvent | null> {
    const { rows } = await this.db.query<InboxRow>(`select ${columns} from stripe_webhook_inbox where event_id = $1`, [id]);
    const row = rows[0];
    return row ? toInboxEvent(row) : null;
  }

  /** Most recently received first. */
  async list(filter: { status?: InboxStatus; limit: number }): Promise<InboxEvent[]> {
    assertPageSize(filter.limit);
    const { rows } = await this.db.query<InboxRow>(
      `select ${columns} from stripe_webhook_inbox where ($1::text is null or status = $1)
       order by receipt desc limit $2`,
      [filter.status ?? null, filter.limit],
    );
    return rows.map(toInboxEvent);
  }

  /** Wakes the worker when an event is recorded; resolves to the function that stops listening. */
  async onRecorded(listener: () => void): Promise<() => Promise<void>> {
    return this.db.listen(stripeWebhookInboxChannel, listener);
  }

  private async close(id: string, status: 'processed' | 'ignored', outcome: string): Promise<void> {
    if (!(await this.jobs.complete(id, { state: status, outcome }))) await this.refuse(id, status);
  }

  private async refuse(id: string, wanted: InboxStatus): Promise<never> {
    const current = await this.get(id);
    if (!current) throw new InboxTransitionRefused(`Stripe event ${id} is not in the inbox`);
    throw new InboxTransitionRefused(`Stripe event ${id} is already ${current.status}; cannot mark it ${wanted}`);
  }
}

function assertPageSize(limit: number): void {
  assert(Number.isInteger(limit), `inbox page limit must be an integer, got ${limit}`);
  assert(limit >= 1 && limit <= inboxPageSizeMax, `inbox page limit must be 1 to ${inboxPageSizeMax}, got ${limit}`);
}

function toInboxEvent(row: InboxRow): InboxEvent {
  const created = Number(row.created);
  assert(Number.isSafeInteger(created), `stripe_webhook_inbox.created is not an integer: ${row.created}`);
  return {
    id: row.event_id,
    type: row.event_type,
    created,
    livemode: row.livemode,
    payload: typeof row.payload === 'string' ? (JSON.parse(row.payload) as Stripe.Event) : row.payload,
    receivedAt: new Date(row.received_at).toISOString(),
    attempts: row.attempts,
    status: row.status,
    outcome: row.outcome,
    error: row.error,
  };
}
