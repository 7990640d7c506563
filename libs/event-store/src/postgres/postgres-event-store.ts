import { assert } from '@escrow/domain';
import { sqlStateOf, uniqueViolation, type SqlDb } from '@escrow/sql';
import {
  IdempotencyConflict,
  WrongExpectedVersion,
  appendBatchSizeMax,
  readLimitMax,
  type AppendResult,
  type AppendWatcher,
  type EventFilter,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type ReadAllOptions,
  type RecordedEvent,
} from '../event-store';
import { contentDigest, normalizeEventId } from '../hash-chain/canonical';
import { AppendSignal, pollingSubscription } from '../polling-subscription';
import { backfillChainHashes } from './chain-backfill';
import { PostgresAuditLog } from './postgres-audit-log';
import { decodePosition, encodePosition } from './position';
import {
  appendedOutcome,
  duplicateOutcome,
  eventsChannel,
  hashChainState,
  idempotencyConflictState,
  wrongExpectedVersionState,
} from './schema';

/** Appends within this window share one cross-process NOTIFY. */
export const notifyCoalesceMs = 2;

/**
 * Bounds of one group commit: appends and events in one server call (one transaction). They cap
 * the statement's size, how long its stream locks are held and how long its first caller waits
 * behind the others.
 */
export const appendGroupSizeMax = 32;
export const appendGroupEventsMax = 500;
/**
 * Groups one store has in flight at once. While one is out, the appends arriving wait and join
 * the next group, so concurrent writers share commits instead of each holding a connection
 * through its own WAL flush. A further group goes out alongside only once it holds at least
 * `appendGroupEventsParallelMin` events: then the server's work of inserting and hashing them,
 * not the commit, is the cost, and two backends do that work on two cores.
 */
export const appendGroupsInFlightMax = 3;
export const appendGroupEventsParallelMin = 64;

/** PostgreSQL's SQLSTATE for deadlock_detected. */
const deadlockDetected = '40P01';

interface GroupedAppend {
  readonly streamId: string;
  readonly expected: ExpectedRevision;
  readonly eventIds: readonly string[];
  readonly payload: { readonly s: string; readonly x: string; readonly e: readonly unknown[] };
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

interface GroupRow {
  append_index: number;
  outcome: string;
  last_revision: string | null;
  last_sequence: string | null;
  last_transaction_id: string | null;
  actual_revision: string | null;
}

interface EventRow {
  sequence: string;
  transaction_id: string;
  stream_id: string;
  stream_revision: string;
  event_id: string;
  event_type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  recorded_at: Date | string;
}

// Selected as text (pg and PGlite disagree on int8/xid8 types). ORDER BY must then name the
// table's columns explicitly, or PostgreSQL sorts by these text output columns instead.
const selectColumns = `sequence::text, transaction_id::text, stream_id, stream_revision::text, event_id::text,
  event_type, data, metadata, recorded_at`;

/** Works on PostgreSQL through `pg` and on embedded PGlite: the same SQL for both. */
export class PostgresEventStore implements EventStore {
  private readonly signal = new AppendSignal();
  private unlisten: (() => Promise<void>) | null = null;
  private notifyTimer: NodeJS.Timeout | null = null;
  private readonly queued: GroupedAppend[] = [];
  private groupsInFlight = 0;

  private constructor(private readonly db: SqlDb) {}

  /** On a database brought up to date by `applyMigrations` (libs/migrations): it creates no tables. */
  static async open(db: SqlDb): Promise<PostgresEventStore> {
    await backfillChainHashes(db);
    const store = new PostgresEventStore(db);
    store.unlisten = await db.listen(eventsChannel, () => store.signal.notify());
    return store;
  }

  async append(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    assert(events.length > 0, 'append at least one event');
    assert(events.length <= appendBatchSizeMax, `append at most ${appendBatchSizeMax} events at once`);
    assert(new Set(events.map((e) => e.eventId)).size === events.length, 'event ids within one append are distinct');
    assert(typeof expected !== 'number' || (Number.isSafeInteger(expected) && expected >= 0), 'expected revision is a revision');
    // Each event's content digest (hash-chain/canonical.ts); es_append_group chains it onto the stream.
    const payload: GroupedAppend['payload'] = {
      s: streamId,
      x: String(expected),
      e: events.map(({ eventId, type, data, metadata }) => ({
        eventId,
        type,
        data,
        metadata,
        digest: contentDigest({ streamId, eventId, type, data, metadata }).toString('hex'),
      })),
    };
    const eventIds = events.map((e) => e.eventId);
    return new Promise<AppendResult>((resolve, reject) => {
      this.queued.push({ streamId, expected, eventIds, payload, resolve, reject });
      this.sendQueued();
    });
  }

  /**
   * Group commit: an append goes out at once when no group is in flight (a lone writer never
   * waits); appends that arrive meanwhile queue up and go out together as the next group, one
   * server call and one commit for all of them.
   */
  private sendQueued(): void {
    while (this.queued.length > 0 && (this.groupsInFlight === 0 || (this.groupsInFlight < appendGroupsInFlightMax && this.queuedEvents() >= appendGroupEventsParallelMin))) {
      const group = this.takeGroup();
      this.groupsInFlight += 1;
      void this.sendGroup(group)
        .catch((error: unknown) => {
          for (const append of group) append.reject(error);
        })
        .finally(() => {
          this.groupsInFlight -= 1;
          this.sendQueued();
        });
    }
  }

  private queuedEvents(): number {
    let events = 0;
    for (const append of this.queued) events += append.eventIds.length;
    return events;
  }

  /**
   * The queue's head, in call order, up to the bounds. It stops before an append that shares an
   * event id with one already taken: that one must see the other's outcome (committed, it is a
   * duplicate or a conflict), as it would have appending after it.
   */
  private takeGroup(): GroupedAppend[] {
    const ids = new Set<string>();
    let events = 0;
    let taken = 0;
    for (const append of this.queued) {
      if (taken === appendGroupSizeMax) break;
      const keys = append.eventIds.map((id) => normalizeEventId(id).toLowerCase());
      if (taken > 0 && (events + keys.length > appendGroupEventsMax || keys.some((key) => ids.has(key)))) break;
      for (const key of keys) ids.add(key);
      events += keys.length;
      taken += 1;
    }
    return this.queued.splice(0, taken);
  }

  /** Settles every append of the group: each with its own answer, or with the group's error. */
  private async sendGroup(group: GroupedAppend[]): Promise<void> {
    if (group.length === 1) return this.sendAlone(group[0]!);
    let rows: GroupRow[];
    try {
      ({ rows } = await this.db.query<GroupRow>(
        `select append_index, outcome, last_revision::text, last_sequence::text, last_transaction_id::text, actual_revision::text
         from es_append_group($1::jsonb)`,
        [JSON.stringify(group.map((append) => append.payload))],
      ));
    } catch (error) {
      const state = sqlStateOf(error);
      if (state !== undefined && !outcomeUnknown(state)) {
        // The server refused the statement and rolled the whole group back. What it refused may
        // be one append's alone (a duplicate racing its original, a deadlock over an event id,
        // a broken chain, a row a trigger refuses): appended one at a time, the others succeed
        // and only that one fails.
        for (const append of group) await this.sendAlone(append);
        return;
      }
      for (const append of group) append.reject(error);
      return;
    }
    let appended = false;
    for (const row of rows) {
      const append = group[row.append_index - 1];
      assert(append !== undefined, 'es_append_group answers for the appends it was given');
      if (row.outcome === appendedOutcome || row.outcome === duplicateOutcome) {
        appended ||= row.outcome === appendedOutcome;
        append.resolve({
          nextExpectedRevision: Number(row.last_revision),
          position: encodePosition(row.last_transaction_id!, row.last_sequence!),
          duplicate: row.outcome === duplicateOutcome,
        });
      } else if (row.outcome === wrongExpectedVersionState) {
        append.reject(new WrongExpectedVersion(append.streamId, append.expected, row.actual_revision === null ? 'no_stream' : Number(row.actual_revision)));
      } else if (row.outcome === idempotencyConflictState) {
        append.reject(new IdempotencyConflict(append.streamId, append.eventIds));
      } else {
        append.reject(new Error(`es_append_group: unknown outcome ${String(row.outcome)} for stream ${append.streamId}`));
      }
    }
    assert(rows.length === group.length, 'es_append_group answers once per append');
    if (appended) this.announceAppend();
  }

  private async sendAlone(append: GroupedAppend): Promise<void> {
    const { streamId, expected, eventIds } = append;
    for (let attempt = 1; ; attempt++) {
      try {
        const { rows } = await this.db.query<{ last_revision: string; last_sequence: string; last_transaction_id: string; duplicate: boolean }>(
          `select last_revision::text, last_sequence::text, last_transaction_id::text, duplicate
           from es_append($1, $2, $3::jsonb)`,
          [streamId, append.payload.x, JSON.stringify(append.payload.e)],
        );
        const row = rows[0];
        assert(row !== undefined, 'es_append answers one row');
        if (!row.duplicate) this.announceAppend();
        append.resolve({
          nextExpectedRevision: Number(row.last_revision),
          position: encodePosition(row.last_transaction_id, row.last_sequence),
          duplicate: row.duplicate,
        });
        return;
      } catch (error) {
        const state = sqlStateOf(error);
        if (state === wrongExpectedVersionState) return append.reject(new WrongExpectedVersion(streamId, expected, actualRevision(error)));
        if (state === idempotencyConflictState) return append.reject(new IdempotencyConflict(streamId, eventIds));
        if (state === hashChainState) return append.reject(new Error(`stream ${streamId}: ${(error as Error).message} (run audit:verify)`));
        // A concurrent append of the same event ids committed first, or a deadlock over one
        // with a group: the retry finds them stored, or gets through.
        if ((state === uniqueViolation || state === deadlockDetected) && attempt === 1) continue;
        return append.reject(error);
      }
    }
  }

  /** Wakes this process's readers now, and other processes' through one coalesced NOTIFY. */
  private announceAppend(): void {
    this.signal.notify();
    if (this.notifyTimer) return;
    this.notifyTimer = setTimeout(() => {
      this.notifyTimer = null;
      // Best effort: readers also poll, so a lost notification only delays them.
      this.db.query('select pg_notify($1, $2)', [eventsChannel, '']).catch(() => undefined);
    }, notifyCoalesceMs);
  }

  async readStream(streamId: string, options: { fromRevision?: number; toRevision?: number } = {}): Promise<RecordedEvent[]> {
    const { rows } = await this.db.query<EventRow>(
      `select ${selectColumns} from es_events
       where stream_id = $1 and stream_revision >= $2 and stream_revision <= $3
       order by es_events.stream_revision`,
      [streamId, options.fromRevision ?? 0, options.toRevision ?? Number.MAX_SAFE_INTEGER],
    );
    return rows.map(toRecorded);
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    assert(options.limit > 0 && options.limit <= readLimitMax, `read between 1 and ${readLimitMax} events`);
    const from = options.fromPosition ? decodePosition(options.fromPosition) : { transactionId: '0', sequence: '0' };
    const params: unknown[] = [from.transactionId, from.sequence, options.limit];
    const { rows } = await this.db.query<EventRow>(
      `select ${selectColumns} from es_events
       where (transaction_id, sequence) > ($1::xid8, $2::bigint)
         and transaction_id < pg_snapshot_xmin(pg_current_snapshot())
         ${filterClause(options.filter, params)}
       order by es_events.transaction_id, es_events.sequence
       limit $3`,
      params,
    );
    return rows.map(toRecorded);
  }

  subscribe(options: Parameters<EventStore['subscribe']>[0], handler: (event: RecordedEvent) => Promise<void>) {
    return pollingSubscription((o) => this.readAll(o), this.signal, options, handler);
  }

  appendWatcher(): AppendWatcher {
    return this.signal.watcher();
  }

  /** The raw log with its chain hashes, for verification and anchors. */
  auditLog(): PostgresAuditLog {
    return new PostgresAuditLog(this.db);
  }

  async headPosition(): Promise<string | null> {
    const { rows } = await this.db.query<{ sequence: string; transaction_id: string }>(
      `select sequence::text, transaction_id::text from es_events
       where transaction_id < pg_snapshot_xmin(pg_current_snapshot())
       order by es_events.transaction_id desc, es_events.sequence desc limit 1`,
    );
    const row = rows[0];
    return row ? encodePosition(row.transaction_id, row.sequence) : null;
  }

  async committedHeadPosition(): Promise<string | null> {
    const { rows } = await this.db.query<{ sequence: string; transaction_id: string }>(
      `select sequence::text, transaction_id::text from es_events
       order by es_events.transaction_id desc, es_events.sequence desc limit 1`,
    );
    const row = rows[0];
    return row ? encodePosition(row.transaction_id, row.sequence) : null;
  }

  async close(): Promise<void> {
    if (this.notifyTimer) clearTimeout(this.notifyTimer);
    this.notifyTimer = null;
    this.signal.notify();
    await this.unlisten?.();
    this.unlisten = null;
  }
}

/**
 * A lost connection (class 08) or a server shutting down (57): the group may or may not have
 * committed, so its callers get the error and retry, as with any append whose answer was lost.
 */
function outcomeUnknown(state: string): boolean {
  return state.startsWith('08') || state.startsWith('57');
}

function actualRevision(error: unknown): number | 'no_stream' {
  const detail = (error as { detail?: unknown }).detail;
  return typeof detail === 'string' && /^\d+$/.test(detail) ? Number(detail) : 'no_stream';
}

function filterClause(filter: EventFilter | undefined, params: unknown[]): string {
  const clauses: string[] = [];
  if (filter?.streamPrefixes?.length) {
    const likes = filter.streamPrefixes.map((prefix) => {
      params.push(`${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      return `stream_id like $${params.length}`;
    });
    clauses.push(`(${likes.join(' or ')})`);
  }
  if (filter?.eventTypes?.length) {
    const types = filter.eventTypes.map((type) => {
      params.push(type);
      return `$${params.length}`;
    });
    clauses.push(`event_type in (${types.join(', ')})`);
  }
  return clauses.map((clause) => `and ${clause}`).join(' ');
}

function toRecorded(row: EventRow): RecordedEvent {
  return {
    eventId: row.event_id,
    type: row.event_type,
    data: row.data,
    metadata: row.metadata,
    streamId: row.stream_id,
    revision: Number(row.stream_revision),
    position: encodePosition(row.transaction_id, row.sequence),
    recordedAt: new Date(row.recorded_at).toISOString(),
  };
}
