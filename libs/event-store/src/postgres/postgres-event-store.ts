import { assert } from '@escrow/domain';
import { migrate, sqlStateOf, uniqueViolation, type SqlDb } from '@escrow/sql';
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
import { contentDigest } from '../hash-chain/canonical';
import { AppendSignal, pollingSubscription } from '../polling-subscription';
import { backfillChainHashes } from './chain-backfill';
import { PostgresAuditLog } from './postgres-audit-log';
import { decodePosition, encodePosition } from './position';
import { appendFunction, eventStoreSchema, eventsChannel, hashChainState, idempotencyConflictState, wrongExpectedVersionState } from './schema';

/** Appends within this window share one cross-process NOTIFY. */
export const notifyCoalesceMs = 2;

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

  private constructor(private readonly db: SqlDb) {}

  static async open(db: SqlDb): Promise<PostgresEventStore> {
    await migrate(db, 'es_schema', `${eventStoreSchema}\n${appendFunction}`);
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
    // Each event's content digest (hash-chain/canonical.ts); es_append chains it onto the stream.
    const payload = JSON.stringify(
      events.map(({ eventId, type, data, metadata }) => ({
        eventId,
        type,
        data,
        metadata,
        digest: contentDigest({ streamId, eventId, type, data, metadata }).toString('hex'),
      })),
    );
    for (let attempt = 1; ; attempt++) {
      try {
        const { rows } = await this.db.query<{ last_revision: string; last_sequence: string; last_transaction_id: string; duplicate: boolean }>(
          `select last_revision::text, last_sequence::text, last_transaction_id::text, duplicate
           from es_append($1, $2, $3::jsonb)`,
          [streamId, String(expected), payload],
        );
        const row = rows[0];
        assert(row !== undefined, 'es_append answers one row');
        if (!row.duplicate) this.announceAppend();
        return {
          nextExpectedRevision: Number(row.last_revision),
          position: encodePosition(row.last_transaction_id, row.last_sequence),
          duplicate: row.duplicate,
        };
      } catch (error) {
        const state = sqlStateOf(error);
        if (state === wrongExpectedVersionState) throw new WrongExpectedVersion(streamId, expected, actualRevision(error));
        if (state === idempotencyConflictState) throw new IdempotencyConflict(streamId, events.map((e) => e.eventId));
        if (state === hashChainState) throw new Error(`stream ${streamId}: ${(error as Error).message} (run audit:verify)`);
        // A concurrent append of the same event ids committed first: the retry finds them stored.
        if (state === uniqueViolation && attempt === 1) continue;
        throw error;
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
