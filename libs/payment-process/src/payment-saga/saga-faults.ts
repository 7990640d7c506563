/**
 * Points at which tests make the saga die as a killed process would: after the gateway acted but
 * before the outcome was recorded, and after recording but before the checkpoint moved.
 */
export type SagaCrashPoint = 'after_gateway_call' | 'after_outcome_append';

export const SAGA_FAULTS = Symbol('SAGA_FAULTS');

export interface SagaFaults {
  maybeCrash(point: SagaCrashPoint, eventType: string): void;
}

export const noSagaFaults: SagaFaults = { maybeCrash: () => undefined };

export class SimulatedCrash extends Error {
  constructor(point: SagaCrashPoint) {
    super(`simulated crash at ${point}`);
    this.name = 'SimulatedCrash';
  }
}
