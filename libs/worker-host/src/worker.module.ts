import { Module, type DynamicModule } from '@nestjs/common';
import {
  AutoReleaser,
  EffectRunner,
  PaymentSaga,
  PayoutRetrier,
  PerformEffect,
  SAGA_FAULTS,
  SagaOutcomes,
  StripeWebhookProcessor,
  noSagaFaults,
  type SagaFaults,
} from '@escrow/payment-process';
import { APP_CONFIG, CLOCK, CommandHandling, EVENT_STORE, SQL_DB, type AppConfig, type Clock } from '@escrow/runtime';
import type { EventStore } from '@escrow/event-store';
import type { SqlDb } from '@escrow/sql';
import { WorkerHost } from './worker.host';

/** Auto-release (AUTO_RELEASE_DAYS) on the injected clock: real time unless a test gives another. */
const autoReleaser = {
  provide: AutoReleaser,
  useFactory: (store: EventStore, db: SqlDb, commands: CommandHandling, clock: Clock, config: AppConfig) => new AutoReleaser(store, db, commands, clock, config),
  inject: [EVENT_STORE, SQL_DB, CommandHandling, CLOCK, APP_CONFIG],
};

@Module({})
export class WorkerModule {
  /** `faults` lets tests kill the saga at chosen points, as a crashed process would stop. */
  static forRoot(options: { faults?: SagaFaults } = {}): DynamicModule {
    return {
      module: WorkerModule,
      providers: [SagaOutcomes, PerformEffect, EffectRunner, PaymentSaga, PayoutRetrier, StripeWebhookProcessor, autoReleaser, WorkerHost, { provide: SAGA_FAULTS, useValue: options.faults ?? noSagaFaults }],
      exports: [PaymentSaga, StripeWebhookProcessor, AutoReleaser],
    };
  }
}
