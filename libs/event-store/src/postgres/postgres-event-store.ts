import { assert } from '@escrow/domain';
import { migrate, sqlStateOf, uniqueViolation, type SqlDb, type SqlExecutor } from '@escrow/sql';
import {
  IdempotencyConflict,
  WrongExpectedVersion,
  type AppendResult,
  type EventFilter,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type ReadAllOptions,
  type RecordedEvent,
} from '../event-store';
import { AppendSignal, pollingSubscription } from '../polling-subscription';
import { decodePosition, encodePosition } from './position';
import { eventStoreSchema, eventsChannel } from './schema';

export const appendBatchSizeMax = 100;
export const readLimitMax = 5_000;

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

  private constructor(private readonly db: SqlDb) {}

  static async open(db: SqlDb): Promise<PostgresEventStore> {
    await migrate(db, 'es_schema', eventStoreSchema);
    const store = new PostgresEventStore(db);
    store.unlisten = await db.listen(eventsChannel, () => store.signal.notify());
    return store;
  }

  async append(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    assert(events.length > 0, 'append at least one event');
    assert(events.length <= appendBatchSizeMax, `append at most ${appendBatchSizeMax} events at once`);
    assert(new Set(events.map((e) => e.eventId)).size === events.length, 'event ids within one append are distinct');
    try {
      return await this.db.transaction((tx) => this.appendIn(tx, streamId, events, expected));
    } catch (error) {
      // A concurrent append of the same event ids committed first: what we meant is stored.
      if (sqlStateOf(error) !== uniqueViolation) throw error;
      const existing = await this.db.transaction((tx) => findDuplicates(tx, streamId, events));
      if (existing) return existing;
      throw error;
    }
  }

  private async appendIn(
    tx: SqlExecutor,
    streamId: string,
    events: readonly EventToAppend[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    const duplicate = await findDuplicates(tx, streamId, events);
    if (duplicate) return duplicate;
    const lastRevision = await reserveRevisions(tx, streamId, events.length, expected);
    const firstRevision = lastRevision - events.length + 1;
    const params: unknown[] = [];
    const values = events.map((event, index) => {
      params.push(streamId, firstRevision + index, event.eventId, event.type, JSON.stringify(event.data), JSON.stringify(event.metadata));
      const p = index * 6;
      return `($${p + 1}, $${p + 2}, $${p + 3}::uuid, $${p + 4}, $${p + 5}::jsonb, $${p + 6}::jsonb)`;
    });
    const inserted = await tx.query<{ sequence: string; transaction_id: string }>(
      `insert into es_events (stream_id, stream_revision, event_id, event_type, data, metadata)
       values ${values.join(', ')} returning sequence::text, transaction_id::text`,
      params,
    );
    assert(inserted.rows.length === events.length, 'every event was inserted');
    await tx.query('select pg_notify($1, $2)', [eventsChannel, streamId]);
    const last = inserted.rows[inserted.rows.length - 1]!;
    return { nextExpectedRevision: lastRevision, position: encodePosition(last.transaction_id, last.sequence), duplicate: false };
  }

  async readStream(streamId: string, options: { fromRevision?: number; toRevision?: number } = {}): Promise<RecordedEvent[]> {
    const { rows } = await this.db.query<EventRow>(
      `select ${selectColumns} from es_events
       where stream_id = $1 and stream_revision >= $2 and stream_revision <= $3
       order by stream_revision`,
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

  waitForEvents(timeoutMs: number): Promise<void> {
    return this.signal.wait(timeoutMs);
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

  async close(): Promise<void> {
    this.signal.notify();
    await this.unlisten?.();
    this.unlisten = null;
  }
}

async function findDuplicates(tx: SqlExecutor, streamId: string, events: readonly EventToAppend[]): Promise<AppendResult | null> {
  const ids = events.map((e) => e.eventId);
  const placeholders = ids.map((_, i) => `$${i + 1}::uuid`).join(', ');
  const { rows } = await tx.query<{ event_id: string; stream_id: string; stream_revision: string; sequence: string; transaction_id: string }>(
    `select event_id::text, stream_id, stream_revision::text, sequence::text, transaction_id::text
     from es_events where event_id in (${placeholders}) order by stream_revision`,
    ids,
  );
  if (rows.length === 0) return null;
  const sameStream = rows.every((row) => row.stream_id === streamId);
  if (rows.length !== events.length || !sameStream) throw new IdempotencyConflict(streamId, rows.map((r) => r.event_id));
  const last = rows[rows.length - 1]!;
  return {
    nextExpectedRevision: Number(last.stream_revision),
    position: encodePosition(last.transaction_id, last.sequence),
    duplicate: true,
  };
}

/** Moves the stream's revision forward under its row lock; returns the new last revision. */
async function reserveRevisions(tx: SqlExecutor, streamId: string, count: number, expected: ExpectedRevision): Promise<number> {
  let result: { rows: { revision: string }[] };
  if (expected === 'no_stream') {
    result = await tx.query(
      `insert into es_streams (stream_id, revision) values ($1, $2) on conflict do nothing returning revision::text`,
      [streamId, count - 1],
    );
  } else if (expected === 'any') {
    result = await tx.query(
      `insert into es_streams (stream_id, revision) values ($1, $2)
       on conflict (stream_id) do update set revision = es_streams.revision + $3 returning revision::text`,
      [streamId, count - 1, count],
    );
  } else if (expected === 'stream_exists') {
    result = await tx.query(
      `update es_streams set revision = revision + $2 where stream_id = $1 returning revision::text`,
      [streamId, count],
    );
  } else {
    result = await tx.query(
      `update es_streams set revision = revision + $3 where stream_id = $1 and revision = $2 returning revision::text`,
      [streamId, expected, count],
    );
  }
  const row = result.rows[0];
  if (row) return Number(row.revision);
  const current = await tx.query<{ revision: string }>('select revision::text from es_streams where stream_id = $1', [streamId]);
  const actual = current.rows[0] ? Number(current.rows[0].revision) : 'no_stream';
  throw new WrongExpectedVersion(streamId, expected, actual);
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
