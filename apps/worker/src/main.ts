import 'reflect-metadata';
import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { ObservabilityModule } from '@escrow/observability';
import { createRootLogger, InfrastructureModule, loadConfig, loggingModule, nestLoggerOf } from '@escrow/runtime';
import { WorkerModule } from '@escrow/worker-host';

/** The worker alone (production): projections, payment saga, payout retries; no api (metrics and health on METRICS_PORT when set). */
async function main(): Promise<void> {
  const config = { ...loadConfig(), processRole: 'worker' as const };
  if (config.database.kind === 'pglite') {
    throw new Error('a separate worker needs DATABASE_URL: embedded PGlite serves one process (use npm start)');
  }
  // LOG_LEVEL; JSON lines, pretty ones in development.
  const rootLogger = createRootLogger(config.log);
  @Module({
    imports: [loggingModule(rootLogger), InfrastructureModule.forRoot({ config }), CqrsModule.forRoot(), WorkerModule.forRoot(), ObservabilityModule.withMetricsServer()],
  })
  class WorkerRootModule {}
  const app = await NestFactory.createApplicationContext(WorkerRootModule, { logger: nestLoggerOf(rootLogger) });
  app.enableShutdownHooks();
  new Logger('Main').log('escrow-ledger worker started');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
