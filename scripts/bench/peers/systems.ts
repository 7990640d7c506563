import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from '@escrow/event-store';
import { applyMigrations } from '@escrow/migrations';
import { openPostgres } from '@escrow/sql';
import { Pool } from 'pg';
import type { PeerEvent } from './payload';

export const systemNames = ['raw', 'emmett', 'escrow'] as const;
export type SystemName = (typeof systemNames)[number];

export const systemTitles: Record<SystemName, string> = {
  raw: 'raw INSERT',
  emmett: 'Emmett 0.42 (emmett-postgresql)',
  escrow: 'escrow-ledger PostgresEventStore',
};

/** One writer's view of a system: appends to streams it alone writes, each with an exact expected revision. */
export interface PeerWriter {
  /** Appends `events` to a stream of its own, after the ones it appended there before. */
  append(stream: string, events: readonly PeerEvent[]): Promise<void>;
}

export interface PeerSystem {
  writer(): PeerWriter;
  close(): Promise<void>;
}

/**
 * The baseline: the events as rows of a plain table (its primary key only) with one INSERT per
 * append, autocommit. No revision check, no duplicate check, no chain: what the commit costs.
 */
async function rawSystem(url: string, connections: number): Promise<PeerSystem> {
  const pool = new Pool({ connectionString: url, max: connections });
  await pool.query(`create table raw_events (
    sequence bigserial primary key, stream_id text not null, stream_revision bigint not null, event_id uuid not null,
    event_type text not null, data jsonb not null, metadata jsonb not null, recorded_at timestamptz not null default now())`);
  const statements = new Map<number, string>();
  const insertOf = (count: number) => {
    let sql = statements.get(count);
    if (!sql) {
      const rows = Array.from({ length: count }, (_, i) => `(${Array.from({ length: 6 }, (_, c) => `$${i * 6 + c + 1}`).join(', ')})`);
      sql = `insert into raw_events (stream_id, stream_revision, event_id, event_type, data, metadata) values ${rows.join(', ')}`;
      statements.set(count, sql);
    }
    return sql;
  };
  return {
    writer() {
      const revisions = new Map<string, number>();
      return {
        async append(stream, events) {
          const next = revisions.get(stream) ?? 0;
          const params: unknown[] = [];
          events.forEach((e, i) => params.push(stream, next + i, e.eventId, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata)));
          await pool.query(insertOf(events.length), params);
          revisions.set(stream, next + events.length);
        },
      };
    },
    close: () => pool.end(),
  };
}

/** Emmett's own PostgreSQL event store, on a pool of the same size as the baseline's. */
async function emmettSystem(url: string, connections: number): Promise<PeerSystem> {
  const emmett = await import('@event-driven-io/emmett-postgresql');
  const pool = new Pool({ connectionString: url, max: connections });
  const store = emmett.getPostgreSQLEventStore(url, { connectionOptions: { pool } });
  await store.schema.migrate();
  return {
    writer() {
      const versions = new Map<string, bigint>();
      return {
        async append(stream, events) {
          const expected = versions.get(stream);
          const result = await store.appendToStream(
            stream,
            events.map((e) => ({ type: e.type, data: e.data, metadata: e.metadata })),
            { expectedStreamVersion: expected ?? 'STREAM_DOES_NOT_EXIST' },
          );
          versions.set(stream, result.nextExpectedStreamVersion);
        },
      };
    },
    async close() {
      await store.close();
      await pool.end().catch(() => undefined);
    },
  };
}

/** This project's store, on as many pooled connections as the others plus the one LISTEN holds. */
async function escrowSystem(url: string, connections: number): Promise<PeerSystem> {
  const db = await openPostgres({ connectionString: url, poolSizeMax: connections + 1 });
  await applyMigrations(db);
  const store = await PostgresEventStore.open(db);
  return {
    writer() {
      const revisions = new Map<string, number>();
      return {
        async append(stream, events) {
          const last = revisions.get(stream);
          const result = await store.append(stream, events, last ?? 'no_stream');
          revisions.set(stream, result.nextExpectedRevision);
        },
      };
    },
    async close() {
      await store.close();
      await db.close();
    },
  };
}

export function openSystem(name: SystemName, url: string, connections: number): Promise<PeerSystem> {
  switch (name) {
    case 'raw':
      return rawSystem(url, connections);
    case 'emmett':
      return emmettSystem(url, connections);
    case 'escrow':
      return escrowSystem(url, connections);
  }
}

export const streamName = () => `contract-${randomUUID()}`;
