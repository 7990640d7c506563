import 'reflect-metadata';
import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { InfrastructureModule, loadConfig } from '@escrow/runtime';
import { WorkerModule } from '@escrow/worker-host';

/** The worker alone (production): projections, payment saga, payout retries; no HTTP. */
async function main(): Promise<void> {
  const config = { ...loadConfig(), processRole: 'worker' as const };
  if (config.database.kind === 'pglite') {
    throw new Error('a separate worker needs DATABASE_URL: embedded PGlite serves one process (use npm start)');
  }
  @Module({ imports: [InfrastructureModule.forRoot({ config }), CqrsModule.forRoot(), WorkerModule.forRoot()] })
  class WorkerRootModule {}
  const app = await NestFactory.createApplicationContext(WorkerRootModule);
  app.enableShutdownHooks();
  new Logger('Main').log('escrow-ledger worker started');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
