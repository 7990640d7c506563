import { PostgresEventStore } from '@escrow/event-store';
import { NatsRelay, type WindowAck } from '@escrow/nats-relay';
import { applyMigrations } from '@escrow/migrations';
import { openPostgres } from '@escrow/sql';
import { slowCheckpoints } from './checkpoint-faults';

/**
 * The relay alone in a process, for tests that SIGKILL it: started with
 * `node -r test/support/register-ts.cjs test/nats-relay/relay-process.ts` and configured by
 * DATABASE_URL, NATS_URL, RELAY_STREAM_NAME and RELAY_SUBJECT_PREFIX (RELAY_CHECKPOINT_DELAY_MS
 * slows each checkpoint write, widening the gap a kill must hit to matter). It reports each
 * acknowledged window on stdout as one `relay-report {json}` line (written synchronously to a
 * pipe, so a kill loses none already written). SIGTERM stops it cleanly.
 */
export const reportPrefix = 'relay-report ';

export type RelayReport =
  | { readonly kind: 'window'; readonly stored: number; readonly duplicates: number }
  | { readonly kind: 'failed'; readonly error: string };

function report(line: RelayReport): void {
  process.stdout.write(`${reportPrefix}${JSON.stringify(line)}\n`);
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

async function main(): Promise<void> {
  const db = await openPostgres({ connectionString: required('DATABASE_URL'), poolSizeMax: 4 });
  await applyMigrations(db);
  const store = await PostgresEventStore.open(db);
  const onWindow = (ack: WindowAck) => report({ kind: 'window', stored: ack.storedCount, duplicates: ack.duplicateCount });
  const checkpointDelayMs = Number(process.env.RELAY_CHECKPOINT_DELAY_MS ?? 0);
  const relay = new NatsRelay(
    store,
    checkpointDelayMs > 0 ? slowCheckpoints(db, checkpointDelayMs) : db,
    { servers: required('NATS_URL'), streamName: required('RELAY_STREAM_NAME'), subjectPrefix: required('RELAY_SUBJECT_PREFIX'), onWindow },
    (error) => {
      report({ kind: 'failed', error: error instanceof Error ? error.message : String(error) });
      process.exit(1);
    },
  );
  relay.start();
  process.once('SIGTERM', () => {
    void (async () => {
      await relay.stop();
      await store.close();
      await db.close();
      process.exit(0);
    })();
  });
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
