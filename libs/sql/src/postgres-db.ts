import { Pool, type PoolClient, type PoolConfig } from 'pg';
import type { SqlDb, SqlExecutor } from './sql-db';

export interface PostgresOptions {
  readonly connectionString: string;
  /** Every connection uses this schema first (tests isolate themselves this way). */
  readonly schema?: string;
  readonly poolSizeMax?: number;
}

export const poolSizeMaxDefault = 20;
const statementTimeoutMs = 30_000;

function executor(client: Pool | PoolClient): SqlExecutor {
  return {
    async query(sql, params) {
      const result = await client.query(sql, params as unknown[] | undefined);
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    },
    async exec(sql) {
      await client.query(sql);
    },
  };
}

export async function openPostgres(options: PostgresOptions): Promise<SqlDb> {
  const config: PoolConfig = {
    connectionString: options.connectionString,
    max: options.poolSizeMax ?? poolSizeMaxDefault,
    statement_timeout: statementTimeoutMs,
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  };
  if (options.schema) {
    const setup = new Pool({ connectionString: options.connectionString, max: 1 });
    await setup.query(`create schema if not exists "${options.schema}"`);
    await setup.end();
  }
  const pool = new Pool(config);
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  const base = executor(pool);

  return {
    kind: 'postgres',
    ...base,
    async transaction(work) {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await work(executor(client));
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async listen(channel, onNotify) {
      const client = await pool.connect();
      const listener = (message: { channel: string }) => {
        if (message.channel === channel) onNotify();
      };
      client.on('notification', listener);
      await client.query(`listen "${channel}"`);
      return async () => {
        client.off('notification', listener);
        // Destroyed, not returned: a listening connection must not serve ordinary queries later.
        client.release(true);
      };
    },
    async close() {
      await pool.end();
    },
  };
}
