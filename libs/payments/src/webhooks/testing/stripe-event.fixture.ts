import { randomBytes } from 'node:crypto';
import Stripe from 'stripe';

/** Test data only: a Stripe event as Stripe would send it, and its signed delivery. */
export interface StripeEventFields {
  readonly id?: string;
  readonly type?: string;
  readonly created?: number;
  readonly livemode?: boolean;
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export function stripeEventFixture(fields: StripeEventFields = {}): Stripe.Event {
  const event = {
    id: fields.id ?? `evt_${randomBytes(12).toString('hex')}`,
    object: 'event',
    api_version: '2026-10-28.endive',
    created: fields.created ?? nowSeconds(),
    livemode: fields.livemode ?? false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type: fields.type ?? 'payment_intent.succeeded',
    data: {
      object: {
        id: `pi_${randomBytes(12).toString('hex')}`,
        object: 'payment_intent',
        amount: 15_000,
        currency: 'usd',
        status: 'succeeded',
        metadata: { contractId: 'c-1', milestoneId: 'm-1' },
      },
    },
  };
  // The SDK's Event is a union over every event type; one literal cannot name its member.
  return event as unknown as Stripe.Event;
}

export interface SignedDelivery {
  readonly body: string;
  readonly signature: string;
}

/** Signs `body` the way Stripe does, with the SDK's own test helper. */
export function signedDelivery(body: string, secret: string, timestampSeconds: number = nowSeconds()): SignedDelivery {
  const signature = Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp: timestampSeconds });
  return { body, signature };
}
