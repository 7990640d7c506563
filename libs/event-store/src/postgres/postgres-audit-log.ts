import { assert } from '@escrow/domain';
import type { SqlDb } from '@escrow/sql';
import { readLimitMax } from '../event-store';
import { chainKey, type AuditLog, type ChainedEvent } from '../hash-chain/audit-log';
import type { StreamHead } from '../hash-chain/canonical';
import { decodePosition, encodePosition } from './position';

interface ChainRow {
  position: string;
  stream_id: string;
  stream_revision: string;
  event_id: string;
  event_type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  hash: string | null;
}

/**
 * The raw log with its hashes, read straight from `es_events` (no upcasting: the chain covers
 * what is stored). Needs the schema `PostgresEventStore.open` creates; opens nothing itself.
 */
export class PostgresAuditLog implements AuditLog {
  constructor(private readonly db: SqlDb) {}

  async readChain(options: { readonly fromPosition?: string | null; readonly limit: number }): Promise<ChainedEvent[]> {
    assert(options.limit > 0 && options.limit <= readLimitMax, `read between 1 and ${readLimitMax} events`);
    const from = options.fromPosition ? decodePosition(options.fromPosition) : { transactionId: '0', sequence: '0' };
    const { rows } = await this.db.query<ChainRow>(
      // The position is written by the server (encodePosition's form: both parts zero-padded to
      // 20 digits, which a transaction id and a sequence number never exceed): one column to
      // parse per row instead of two, and no padding here.
      `select lpad(transaction_id::text, 20, '0') || '-' || lpad(sequence::text, 20, '0') as position,
              stream_id, stream_revision::text, event_id::text, event_type, data, metadata, encode(hash, 'hex') as hash
         from es_events
        where (transaction_id, sequence) > ($1::xid8, $2::bigint)
          and transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        order by es_events.transaction_id, es_events.sequence
        limit $3`,
      [from.transactionId, from.sequence, options.limit],
    );
    return rows.map((row) => ({
      streamId: row.stream_id,
      revision: Number(row.stream_revision),
      eventId: row.event_id,
      type: row.event_type,
      data: row.data,
      metadata: row.metadata,
      position: row.position,
      hash: row.hash,
    }));
  }

  async storedHashes(keys: readonly { readonly streamId: string; readonly revision: number }[]): Promise<Map<string, string | null>> {
    const found = new Map<string, string | null>();
    if (keys.length === 0) return found;
    const { rows } = await this.db.query<{ stream_id: string; stream_revision: string; hash: string | null }>(
      `select e.stream_id, e.stream_revision::text, encode(e.hash, 'hex') as hash
         from unnest($1::text[], $2::bigint[]) as k(stream_id, stream_revision)
         join es_events e on e.stream_id = k.stream_id and e.stream_revision = k.stream_revision`,
      [keys.map((k) => k.streamId), keys.map((k) => String(k.revision))],
    );
    for (const row of rows) found.set(chainKey(row.stream_id, Number(row.stream_revision)), row.hash);
    return found;
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

  /**
   * Each stream's last event at or before `position`, from the events themselves (the streams
   * table only lists the stream ids; a stream whose row was removed is still found by a verify
   * walk, which recomputes the digest from the log).
   */
  async streamHeads(position: string): Promise<StreamHead[]> {
    const at = decodePosition(position);
    const { rows } = await this.db.query<{ stream_id: string; stream_revision: string; hash: string | null }>(
      `select h.stream_id, h.stream_revision::text, encode(h.hash, 'hex') as hash
         from es_streams s
         cross join lateral (
           select e.stream_id, e.stream_revision, e.hash from es_events e
            where e.stream_id = s.stream_id and (e.transaction_id, e.sequence) <= ($1::xid8, $2::bigint)
            order by e.stream_revision desc limit 1
         ) h`,
      [at.transactionId, at.sequence],
    );
    return rows.map((row) => ({ streamId: row.stream_id, revision: Number(row.stream_revision), hash: row.hash ?? '' }));
  }
}
