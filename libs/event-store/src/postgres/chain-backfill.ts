import type { SqlDb } from '@escrow/sql';
import { chainLink, contentDigest, genesisHash } from '../hash-chain/canonical';
import { streamLockClass } from './schema';

/** Streams hashed per transaction while filling in a log written before the chain existed. */
export const backfillStreamsPerBatch = 200;

interface BackfillRow {
  sequence: string;
  stream_id: string;
  stream_revision: string;
  event_id: string;
  event_type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  hash: string | null;
}

/**
 * Gives every event stored before the chain existed its hash, stream by stream in revision
 * order, so that verify passes on an upgraded log. Runs at every start: with nothing to do it
 * is one lookup in the partial index of unhashed rows. Safe with several starters at once (each
 * batch holds an advisory lock and picks only rows still without a hash) and idempotent (a
 * stored hash is kept and chained on, never recomputed). Returns the number of events hashed.
 *
 * es_append refuses to chain onto an unhashed event, so an append to an old stream waits for
 * this: every process runs it in `PostgresEventStore.open`, before it can append.
 */
export async function backfillChainHashes(db: SqlDb): Promise<number> {
  let hashed = 0;
  for (;;) {
    const done = await db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock(hashtext($1))', ['es_chain_backfill']);
      const { rows: streams } = await tx.query<{ stream_id: string }>(
        `select distinct stream_id from es_events where hash is null limit ${backfillStreamsPerBatch}`,
      );
      if (streams.length === 0) return true;
      const ids = streams.map((s) => s.stream_id);
      // Lock the streams: an append racing this batch waits for it (and then finds the hashes).
      // Their advisory locks first, in the order appends take them (schema.ts, streamLockClass):
      // an append holding a stream's row holds its advisory lock, so the rows then wait for no one.
      const { rows: keys } = await tx.query<{ key: number }>('select distinct hashtext(id) as key from unnest($1::text[]) id order by 1', [ids]);
      for (const { key } of keys) await tx.query('select pg_advisory_xact_lock($1, $2)', [streamLockClass, key]);
      await tx.query('select stream_id from es_streams where stream_id = any($1::text[]) order by stream_id for update', [ids]);
      const { rows } = await tx.query<BackfillRow>(
        `select sequence::text, stream_id, stream_revision::text, event_id::text, event_type, data, metadata,
                encode(hash, 'hex') as hash
           from es_events where stream_id = any($1::text[])
          order by es_events.stream_id, es_events.stream_revision`,
        [ids],
      );
      const sequences: string[] = [];
      const hashes: string[] = [];
      let stream: string | null = null;
      let previous: Buffer = genesisHash;
      for (const row of rows) {
        if (row.stream_id !== stream) {
          stream = row.stream_id;
          previous = genesisHash;
        }
        if (row.hash !== null) {
          previous = Buffer.from(row.hash, 'hex');
          continue;
        }
        const revision = Number(row.stream_revision);
        const digest = contentDigest({ streamId: row.stream_id, eventId: row.event_id, type: row.event_type, data: row.data, metadata: row.metadata });
        previous = chainLink(previous, revision, digest);
        sequences.push(row.sequence);
        hashes.push(previous.toString('hex'));
      }
      await tx.query(
        `update es_events e set hash = decode(v.hash, 'hex')
           from unnest($1::bigint[], $2::text[]) as v(sequence, hash)
          where e.sequence = v.sequence and e.hash is null`,
        [sequences, hashes],
      );
      hashed += sequences.length;
      return false;
    });
    if (done) return hashed;
  }
}
