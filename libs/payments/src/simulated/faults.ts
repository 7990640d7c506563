import { assert } from '@escrow/domain';
import { PaymentGatewayError } from '../payment-gateway';

export type FaultKind = 'charge' | 'transfer' | 'refund';

/**
 * `before_apply`: the request never reached the provider. `after_apply`: the provider applied it
 * and stored the outcome, but the answer was lost (a connection reset on the way back).
 */
export type FaultMoment = 'before_apply' | 'after_apply';

export interface SimulatedFault {
  readonly kind: FaultKind;
  readonly when: FaultMoment;
  readonly times: number;
}

export const faultTimesMax = 1_000;

export function simulatedNetworkFailure(): PaymentGatewayError {
  return new PaymentGatewayError('simulated network failure', true, 'connection_error');
}

/** Test-only faults, kept in memory: they describe one test's network, not the provider's state. */
export class FaultPlan {
  private readonly pending: { kind: FaultKind; when: FaultMoment; remaining: number }[] = [];

  add(fault: SimulatedFault): void {
    assert(Number.isSafeInteger(fault.times), 'fault times is an integer');
    assert(fault.times > 0 && fault.times <= faultTimesMax, `fault times is between 1 and ${faultTimesMax}`);
    this.pending.push({ kind: fault.kind, when: fault.when, remaining: fault.times });
  }

  /** Throws the simulated network failure when a fault is pending for this call and moment. */
  trip(kind: FaultKind, when: FaultMoment): void {
    const index = this.pending.findIndex((fault) => fault.kind === kind && fault.when === when);
    const fault = this.pending[index];
    if (!fault) return;
    fault.remaining -= 1;
    if (fault.remaining === 0) this.pending.splice(index, 1);
    throw simulatedNetworkFailure();
  }
}
