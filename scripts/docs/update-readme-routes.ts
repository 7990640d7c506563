import 'reflect-metadata';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig } from '@escrow/runtime';
import { openPglite } from '@escrow/sql';
import { createApp } from '../../apps/api/src/app';
import { buildOpenApiDocument } from '../../apps/api/src/openapi/openapi';
import { routeTable, withRouteTable } from './readme-routes';

/**
 * `npm run docs:routes`: rewrites the README's route table from the OpenAPI document of the app
 * as built now (an api-only app on a throwaway in-memory database, never started on a port).
 * `test/readme-routes.e2e.spec.ts` fails while the README's table differs from it.
 */
async function main(): Promise<void> {
  const db = await openPglite();
  const config = loadConfig({ ...process.env, NODE_ENV: 'test', PROCESS_ROLE: 'api', AUTH_SECRET: 'docs-only-secret-never-used-for-tokens-0123456789' });
  const app = await createApp({ config, db, log: { level: 'error' } });
  try {
    await app.init();
    const readmePath = join(__dirname, '../../../README.md');
    const readme = await readFile(readmePath, 'utf8');
    const updated = withRouteTable(readme, routeTable(buildOpenApiDocument(app)));
    if (updated === readme) {
      console.log('README.md route table: already current');
      return;
    }
    await writeFile(readmePath, updated);
    console.log('README.md route table: rewritten from the OpenAPI document');
  } finally {
    await app.close();
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
