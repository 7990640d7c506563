import 'reflect-metadata';
import { projections } from '@escrow/projections/registry';
import { rebuildProjections, type Projection, type RebuildProgress } from '@escrow/projector';
import { loadConfig, openDatabase, openEventStore } from '@escrow/runtime';
import type { SqlDb } from '@escrow/sql';

/**
 * `npm run projections:rebuild -- <name|all>`: drops and replays read models from position 0,
 * with the app's configuration (DATABASE_URL, or DATA_DIR for embedded PGlite — which only one
 * process can open, so stop the app first there; on PostgreSQL the app may keep running).
 */
async function main(argv: readonly string[]): Promise<void> {
  const wanted = argv[0];
  const names = projections.map((p) => p.name);
  if (!wanted || (wanted !== 'all' && !names.includes(wanted))) {
    console.error(`usage: npm run projections:rebuild -- <${[...names, 'all'].join('|')}>`);
    process.exit(2);
  }
  const config = loadConfig();
  const db: SqlDb = await openDatabase(config);
  const store = await openEventStore(config, db);
  try {
    // EventStoreDB has no cheap count of our events: progress is then shown without a total.
    const total = config.eventStore.kind === 'sql' ? await countEvents(db) : null;
    const chosen: readonly Projection[] = wanted === 'all' ? projections : projections.filter((p) => p.name === wanted);
    // All of them in one pass over the log: each batch is read once for every read model.
    const label = wanted === 'all' ? `all ${chosen.length}` : wanted;
    const done = await rebuildProjections(store, db, chosen, (progress) => drawProgress({ ...progress, projection: label }, total));
    process.stderr.write('\n');
    for (const rebuilt of done) console.log(`${rebuilt.projection}: ${rebuilt.applied} events in ${(rebuilt.elapsedMs / 1000).toFixed(1)} s (${rate(rebuilt)} events/s)`);
  } finally {
    await store.close();
    await db.close();
  }
}

async function countEvents(db: SqlDb): Promise<number> {
  const { rows } = await db.query<{ count: string }>('select count(*)::text as count from es_events');
  return Number(rows[0]?.count ?? 0);
}

const barWidth = 30;

function drawProgress(progress: RebuildProgress, total: number | null): void {
  if (total === null) {
    process.stderr.write(`\r${progress.projection.padEnd(16)} ${progress.applied} events, ${rate(progress)} events/s   `);
    return;
  }
  const share = total === 0 ? 1 : Math.min(1, progress.applied / total);
  const filled = Math.round(share * barWidth);
  const perSecond = rate(progress);
  const etaSeconds = perSecond > 0 ? Math.max(0, (total - progress.applied) / perSecond) : 0;
  const bar = `${'#'.repeat(filled)}${'.'.repeat(barWidth - filled)}`;
  process.stderr.write(
    `\r${progress.projection.padEnd(16)} [${bar}] ${String(Math.round(share * 100)).padStart(3)}% ${progress.applied}/${total} events, ${perSecond} events/s, ETA ${Math.ceil(etaSeconds)} s   `,
  );
}

function rate(progress: RebuildProgress): number {
  return progress.elapsedMs > 0 ? Math.round((progress.applied * 1000) / progress.elapsedMs) : 0;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
