export { WorkerModule } from './worker.module';
export { WorkerHost } from './worker.host';
export { projections } from './projections.registry';
export { PaymentSaga, sagaCheckpointName } from './payment-saga/payment-saga';
export { SAGA_FAULTS, SimulatedCrash, type SagaCrashPoint, type SagaFaults } from './payment-saga/saga-faults';
