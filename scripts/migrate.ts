import { applyMigrations, migrationStates } from '@escrow/migrations';
import { connectDatabase, loadConfig } from '@escrow/runtime';

/**
 * `npm run migrate`: applies the pending versioned migrations to the configured database
 * (DATABASE_URL, or DATA_DIR for embedded PGlite) and lists every migration with when it was
 * applied. `npm run migrate -- status` only lists. The app applies them at start as well; this is
 * for applying them ahead of a deploy, and for seeing where a database stands.
 */
async function main(argv: readonly string[]): Promise<void> {
  const mode = argv[0] ?? 'up';
  if (mode !== 'up' && mode !== 'status') {
    console.error('usage: npm run migrate [-- status]');
    process.exit(2);
  }
  const db = await connectDatabase(loadConfig());
  try {
    if (mode === 'up') {
      const { applied } = await applyMigrations(db);
      console.log(applied.length === 0 ? 'schema up to date: nothing to apply' : `applied ${applied.length}: ${applied.join(', ')}`);
    }
    for (const state of await migrationStates(db)) {
      console.log(`${state.name.padEnd(32)} ${state.appliedAt ? `applied ${state.appliedAt.toISOString()}` : 'pending'}`);
    }
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
