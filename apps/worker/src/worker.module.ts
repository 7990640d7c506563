import { Module, type DynamicModule } from '@nestjs/common';
import { EffectRunner } from './payment-saga/effects/effect-runner';
import { PerformEffect } from './payment-saga/effects/perform-effect';
import { PaymentSaga } from './payment-saga/payment-saga';
import { SagaOutcomes } from './payment-saga/saga-outcomes';
import { PayoutRetrier } from './payment-saga/payout-retrier';
import { SAGA_FAULTS, noSagaFaults, type SagaFaults } from './payment-saga/saga-faults';
import { StripeWebhookProcessor } from './stripe-webhooks/stripe-webhook-processor';
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
