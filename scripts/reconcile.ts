import 'reflect-metadata';
import { loadConfig, openDatabase, openEventStore, openPaymentGateway } from '@escrow/runtime';
import type { SqlDb } from '@escrow/sql';
import { exitCodeOf, InvalidArguments, parseReconcileArgs, reconcileExitCode, reconcileUsage, reportLines } from '../apps/api/src/reconciliation/reconcile-cli';
import { runReconciliation } from '../apps/api/src/reconciliation/run-reconciliation';

/**
 * `npm run reconcile -- --from <iso> --to <iso>`: our log against the payment provider, with the
 * app's configuration (DATABASE_URL or DATA_DIR; STRIPE_* or the simulated gateway). Exits 0 when
 * they agree, 1 with mismatches, 2 on bad arguments. Embedded PGlite opens in one process only:
 * stop the app first there, or use the HTTP route.
 */
async function main(argv: readonly string[]): Promise<number> {
  let period;
  try {
    period = parseReconcileArgs(argv);
  } catch (error) {
    if (!(error instanceof InvalidArguments)) throw error;
    console.error(`${error.message}\n${reconcileUsage}`);
    return reconcileExitCode.badArguments;
  }
  const config = loadConfig();
  const db: SqlDb = await openDatabase(config);
  const store = await openEventStore(config, db);
  try {
    const report = await runReconciliation(store, await openPaymentGateway(config, db), period);
    for (const line of reportLines(report)) console.log(line);
    return exitCodeOf(report);
  } finally {
    await store.close();
    await db.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    // Not a verdict on the money: the reconciliation could not run (database, provider, configuration).
    console.error(error);
    process.exit(3);
  },
);
