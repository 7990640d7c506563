import { Module, type DynamicModule } from '@nestjs/common';
import { PaymentSaga } from './payment-saga/payment-saga';
import { PayoutRetrier } from './payment-saga/payout-retrier';
import { SAGA_FAULTS, noSagaFaults, type SagaFaults } from './payment-saga/saga-faults';
import { WorkerHost } from './worker.host';

@Module({})
export class WorkerModule {
  /** `faults` lets tests kill the saga at chosen points, as a crashed process would stop. */
  static forRoot(options: { faults?: SagaFaults } = {}): DynamicModule {
    return {
      module: WorkerModule,
      providers: [PaymentSaga, PayoutRetrier, WorkerHost, { provide: SAGA_FAULTS, useValue: options.faults ?? noSagaFaults }],
      exports: [PaymentSaga],
    };
  }
}
