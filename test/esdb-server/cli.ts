/**
 * Runs the EventStoreDB-compatible test server until SIGINT/SIGTERM. NOT EventStoreDB: see README.md.
 * Usage: cli [--port 2113] [--stats-period-ms 30000] [--index-delay-ms 0]
 */
import { parseArgs } from 'node:util';
import { startEsdbTestServer } from './server';

/** EventStoreDB's own port, so `esdb://localhost:2113?tls=false` works as with docker compose. */
const defaultPort = 2113;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: String(defaultPort) },
      'stats-period-ms': { type: 'string' },
      'index-delay-ms': { type: 'string' },
    },
  });
  const port = integerOption(values.port, '--port', 0, 65_535);
  const statsPeriodMs = values['stats-period-ms'] === undefined ? undefined : integerOption(values['stats-period-ms'], '--stats-period-ms', 1, 86_400_000);
  const indexDelayMs = values['index-delay-ms'] === undefined ? undefined : integerOption(values['index-delay-ms'], '--index-delay-ms', 0, 60_000);
  const server = await startEsdbTestServer({ port, statsPeriodMs, indexDelayMs });
  process.stdout.write(
    [
      `EventStoreDB-compatible TEST server (not EventStoreDB) listening on ${server.url}`,
      `  app:    EVENT_STORE=eventstoredb EVENTSTORE_URL='${server.url}' DATABASE_URL=postgres://…`,
      `  client: EventStoreDBClient.connectionString('${server.url}')`,
      '  models: BatchAppend, Read (streams, $all, filters), subscriptions to $all, ServerFeatures;',
      '          anything else answers UNIMPLEMENTED. The log lives in memory and is gone on exit.',
      '',
    ].join('\n'),
  );
  const stop = (): void => {
    void server.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function integerOption(raw: string, name: string, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new Error(`invalid ${name} ${raw}`);
  return value;
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
