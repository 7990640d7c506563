import { invalidRequest } from './errors';
import { settlePaymentIntent } from './payment-flow';
import { completeOnboarding } from './routes/accounts';
import { closeDispute, createDispute } from './routes/disputes';
import { reverseTransfer } from './routes/transfers';
import type { StripeState } from './state';
import type { TamperableObject } from './types';

/**
 * Things Stripe does on its own in real life. They run outside any API request, so their events carry
 * `request: {id: null, idempotency_key: null}` as Stripe's do.
 */
export class Controls {
  constructor(private readonly state: StripeState) {}

  private outsideRequest<T>(action: () => T): T {
    const saved = this.state.currentRequest;
    this.state.currentRequest = null;
    try {
      return action();
    } finally {
      this.state.currentRequest = saved;
    }
  }

  completeOnboarding(accountId: string): void {
    this.outsideRequest(() => completeOnboarding(this.state, accountId));
  }

  settlePaymentIntent(id: string, outcome: 'succeeded' | 'failed'): void {
    this.outsideRequest(() => settlePaymentIntent(this.state, id, outcome));
  }

  createDispute(chargeId: string, amount?: number): string {
    return this.outsideRequest(() => createDispute(this.state, chargeId, amount ?? null));
  }

  closeDispute(disputeId: string, status: 'won' | 'lost'): void {
    this.outsideRequest(() => closeDispute(this.state, disputeId, status));
  }

  reverseTransfer(transferId: string, amount?: number): string {
    return this.outsideRequest(() => reverseTransfer(this.state, transferId, amount ?? null, {}).id);
  }

  /** Alters a stored record without any event, as a bug or a manual edit on Stripe's side would look. */
  tamper(object: TamperableObject, id: string, change: { amount?: number; status?: string }): void {
    const collections = { charge: this.state.charges, transfer: this.state.transfers, refund: this.state.refunds };
    const record = collections[object].get(id);
    if (record === undefined) throw invalidRequest(`No such ${object}: '${id}'`, 'id', 'resource_missing');
    if (change.amount !== undefined) {
      if (!Number.isInteger(change.amount)) throw invalidRequest('amount must be integer cents', 'amount');
      record.amount = change.amount;
    }
    if (change.status !== undefined) record['status'] = change.status;
  }
}
