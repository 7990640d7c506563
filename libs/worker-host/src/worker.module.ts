import { Module, type DynamicModule } from '@nestjs/common';
import {
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
import { WorkerHost } from './worker.host';

@Module({})
export class WorkerModule {
  /** `faults` lets tests kill the saga at chosen points, as a crashed process would stop. */
  static forRoot(options: { faults?: SagaFaults } = {}): DynamicModule {
    return {
      module: WorkerModule,
      providers: [SagaOutcomes, PerformEffect, EffectRunner, PaymentSaga, PayoutRetrier, StripeWebhookProcessor, WorkerHost, { provide: SAGA_FAULTS, useValue: options.faults ?? noSagaFaults }],
      exports: [PaymentSaga, StripeWebhookProcessor],
    };
  }
}
