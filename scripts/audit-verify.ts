import 'reflect-metadata';
import { BadRequestException } from '@nestjs/common';
import { currentAnchor, EventStoreDbEventStore, PostgresEventStore, verifyChain, type VerifyOptions, type VerifyReport } from '@escrow/event-store';
import { loadConfig, openDatabase } from '@escrow/runtime';
import type { SqlDb } from '@escrow/sql';
import { parseVerifyQuery } from '../apps/api/src/audit/audit.params';

/**
 * `npm run audit:verify [-- --from <position>] [--to <position>] [--anchor <position>.<hash>]`:
 * walks the event log's hash chains with the app's configuration (DATABASE_URL or DATA_DIR;
 * EVENT_STORE=eventstoredb reads EventStoreDB) and reports the first broken link. Exits 0 when
 * every link (and the anchor, if given) holds, 1 when one does not, 2 on bad arguments, 3 when it
 * could not run. Embedded PGlite opens in one process only: stop the app first, or use the route.
 */
const auditVerifyUsage = 'usage: npm run audit:verify -- [--from <position>] [--to <position>] [--anchor <position>.<hash>]';
const exitCode = { intact: 0, broken: 1, badArguments: 2, failed: 3 } as const;

class InvalidArguments extends Error {}

function parseAuditVerifyArgs(argv: readonly string[]): VerifyOptions {
  const given: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const match = /^--(from|to|anchor)(?:=(.*))?$/.exec(arg);
    if (!match) throw new InvalidArguments(`${arg}: unknown argument`);
    const name = match[1]!;
    const value = match[2] ?? argv[++i];
    if (value === undefined) throw new InvalidArguments(`--${name}: needs a value`);
    if (name in given) throw new InvalidArguments(`--${name}: given twice`);
    given[name] = value;
  }
  try {
    return parseVerifyQuery(given);
  } catch (error) {
    if (error instanceof BadRequestException) throw new InvalidArguments(`--${error.message}`);
    throw error;
  }
}

function reportLines(report: VerifyReport, seconds: number): string[] {
  const rate = seconds > 0 ? Math.round(report.checked / seconds) : report.checked;
  const lines = [
    `${report.algorithm}: checked ${report.checked} events (after ${report.from ?? 'the start'}, up to ${report.to ?? 'the head'}) in ${seconds.toFixed(2)} s, ${rate} events/s; last position ${report.lastPosition ?? 'none'}`,
  ];
  const broken = report.brokenLink;
  if (broken) {
    lines.push(`BROKEN LINK at position ${broken.position}: stream ${broken.streamId} revision ${broken.revision} (event ${broken.eventId})`);
    lines.push(`  ${broken.problem}`);
    lines.push(`  expected ${broken.expected}`);
    lines.push(`  found    ${broken.found ?? '(no hash)'}`);
  }
  const anchor = report.anchor;
  if (anchor) {
    lines.push(
      anchor.matches
        ? `anchor ${anchor.position}.${anchor.hash}: matches`
        : `ANCHOR MISMATCH at ${anchor.position}: recorded ${anchor.hash}, found ${anchor.found ?? '(none)'}; ${anchor.problem}`,
    );
  }
  lines.push(report.ok ? 'intact' : 'NOT INTACT');
  return lines;
}

async function main(argv: readonly string[]): Promise<number> {
  let options: VerifyOptions;
  try {
    options = parseAuditVerifyArgs(argv);
  } catch (error) {
    if (!(error instanceof InvalidArguments)) throw error;
    console.error(`${error.message}\n${auditVerifyUsage}`);
    return exitCode.badArguments;
  }
  const config = loadConfig();
  const db: SqlDb = await openDatabase(config);
  // The raw adapter, never the upcasting one: the chain covers events as stored.
  const store = config.eventStore.kind === 'eventstoredb' ? await EventStoreDbEventStore.connect(config.eventStore.url) : await PostgresEventStore.open(db);
  try {
    const log = store.auditLog();
    const started = process.hrtime.bigint();
    const report = await verifyChain(log, options);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    for (const line of reportLines(report, seconds)) console.log(line);
    if (report.ok) {
      const anchor = await currentAnchor(log);
      if (anchor) console.log(`anchor now (record it outside the system): ${anchor.anchor}`);
    }
    return report.ok ? exitCode.intact : exitCode.broken;
  } finally {
    await store.close();
    await db.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // Not a verdict on the log: the check could not run (database, configuration).
    console.error(error);
    process.exit(exitCode.failed);
  },
);
