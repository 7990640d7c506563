import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { applyMigrations } from '@escrow/migrations';
import { pgliteSqlDb } from '@escrow/sql';

/**
 * A new PGlite spends 1–2 s in initdb. Tests open hundreds of new ones, so they start from one
 * dump of a freshly initialised and migrated data directory instead (about 0.3 s each, the same
 * database the app's start leaves).
 * Jest's global setup names a directory for this run (`test/support/jest-global-setup.cjs`): the
 * first worker that needs the dump writes it there, the others read it. Without it (a test run
 * some other way), each test file makes its own.
 */
export const pgliteTemplateDirVariable = 'ESCROW_TEST_PGLITE_TEMPLATE_DIR';

let template: Promise<Blob> | undefined;

export function pgliteTemplate(): Promise<Blob> {
  template ??= loadOrMake().catch((error: unknown) => {
    template = undefined;
    throw error;
  });
  return template;
}

async function loadOrMake(): Promise<Blob> {
  const dir = process.env[pgliteTemplateDirVariable];
  const file = dir ? join(dir, 'pglite-data-dir.tar') : null;
  if (file) {
    const saved = await readFile(file).catch(() => null);
    if (saved) return new Blob([saved]);
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const pg = await PGlite.create();
  // Migrated once here rather than in every test database opened from the dump.
  await applyMigrations(pgliteSqlDb(pg));
  const dump = await pg.dumpDataDir('none');
  await pg.close();
  if (file) {
    // Written whole under another name first, so no reader ever sees half of it.
    const partial = `${file}.${process.pid}.partial`;
    await writeFile(partial, Buffer.from(await dump.arrayBuffer()));
    await rename(partial, file);
  }
  return dump;
}
