import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfig } from '@escrow/runtime';
import { createApp } from './app';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp({ config });
  app.enableShutdownHooks();
  await app.listen(config.port);
  const where = config.database.kind === 'pglite' ? `embedded PGlite in ${config.database.dataDir}` : 'PostgreSQL';
  new Logger('Main').log(`escrow-ledger (${config.processRole}) listening on port ${config.port}, ${where}, ${config.payments.kind} payments`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
