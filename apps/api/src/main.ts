import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfig } from '@escrow/runtime';
import { join } from 'node:path';
import { createApp } from './app';

/** Where `npm run build` puts the browser console: dist/console, beside dist/apps. */
const builtConsoleDir = join(__dirname, '..', '..', '..', 'console');

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp({ config, consoleDir: builtConsoleDir });
  app.enableShutdownHooks();
  await app.listen(config.port);
  const where = config.database.kind === 'pglite' ? `embedded PGlite in ${config.database.dataDir}` : 'PostgreSQL';
  new Logger('Main').log(`escrow-ledger (${config.processRole}) listening on port ${config.port}, ${where}, ${config.payments.kind} payments`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
