import { randomBytes } from 'node:crypto';
import type { SqlDb } from '@escrow/sql';

const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/**
 * The database refuses every append to one stream, as a full disk or a revoked grant would: a
 * trigger on the log's table raises `message`, so the writer gets an error that is not the
 * contract's answer and the append leaves nothing behind. Returns the undo (safe to call twice).
 */
export async function refuseAppendsTo(db: SqlDb, streamId: string, message: string): Promise<() => Promise<void>> {
  const name = `refuse_appends_${randomBytes(4).toString('hex')}`;
  await db.exec(`
    create function ${name}() returns trigger language plpgsql as $$
    begin
      raise exception '%', ${literal(message)};
    end $$;
    create trigger ${name} before insert on es_events for each row when (new.stream_id = ${literal(streamId)}) execute function ${name}();`);
  return async () => {
    await db.exec(`drop trigger if exists ${name} on es_events; drop function if exists ${name}();`);
  };
}
