import Stripe from 'stripe';

/** Stripe's own default: a signed delivery older than this is refused as a possible replay. */
export const signatureToleranceSeconds = 300;
/** Stripe events are well under this; a larger body is refused before it is read in full. */
export const stripeEventBytesMax = 1_000_000;
const eventIdLengthMax = 255;

export interface StripeWebhookDelivery {
  /** The request body exactly as received: the signature covers these bytes, not a re-serialisation. */
  readonly rawBody: Buffer | undefined;
  readonly signatureHeader: string | string[] | undefined;
  readonly webhookSecret: string;
  /** The API key decides which mode's events we accept (sk_live_… live, sk_test_… test). */
  readonly secretKey: string;
  readonly receivedAt: Date;
}

export type StripeWebhookVerdict =
  | { readonly ok: true; readonly event: Stripe.Event }
  | { readonly ok: false; readonly reason: string };

/** Checks signature, age, shape and mode; the reason of a refusal never repeats a secret. */
export function verifyStripeWebhook(delivery: StripeWebhookDelivery): StripeWebhookVerdict {
  const header = delivery.signatureHeader;
  if (header === undefined || header === '') return refuse('Stripe-Signature header is missing');
  if (typeof header !== 'string') return refuse('Stripe-Signature header must be sent once');
  if (!delivery.rawBody || delivery.rawBody.length === 0) return refuse('body is empty');
  let event: unknown;
  try {
    event = Stripe.webhooks.constructEvent(
      delivery.rawBody,
      header,
      delivery.webhookSecret,
      signatureToleranceSeconds,
      undefined,
      delivery.receivedAt.getTime(),
    );
  } catch (error) {
    return refuse(whyUnverified(error));
  }
  const shapeProblem = eventShapeProblem(event);
  if (shapeProblem) return refuse(shapeProblem);
  const verified = event as Stripe.Event;
  const keyIsLive = isLiveKey(delivery.secretKey);
  if (verified.livemode !== keyIsLive) {
    return refuse(`event ${verified.id} is a ${modeName(verified.livemode)} event but this endpoint accepts ${modeName(keyIsLive)} events only`);
  }
  return { ok: true, event: verified };
}

export function isLiveKey(secretKey: string): boolean {
  return /^(sk|rk)_live_/.test(secretKey);
}

const modeName = (live: boolean) => (live ? 'live-mode' : 'test-mode');

function refuse(reason: string): StripeWebhookVerdict {
  return { ok: false, reason };
}

// Our words for the SDK's failures: its own messages run to several lines of advice.
const sdkFailures: readonly (readonly [RegExp, string])[] = [
  [/tolerance/i, `signature timestamp is more than ${signatureToleranceSeconds} s old`],
  [/matching the expected signature/i, 'signature does not match the body (wrong signing secret, or the body was altered)'],
  [/extract timestamp|expected scheme/i, 'Stripe-Signature header is malformed (expected t=<unix seconds>,v1=<hex signature>)'],
  [/thin event/i, 'thin events (v2) are not accepted on this endpoint'],
];

function whyUnverified(error: unknown): string {
  if (error instanceof SyntaxError) return 'body is signed but is not valid JSON';
  const message = error instanceof Error ? error.message : String(error);
  for (const [pattern, reason] of sdkFailures) if (pattern.test(message)) return reason;
  return 'signature verification failed';
}

function eventShapeProblem(event: unknown): string | null {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) return 'body is not a Stripe event object';
  const fields = event as Record<string, unknown>;
  if (fields.object !== 'event') return 'body is not a Stripe event (object must be "event")';
  if (typeof fields.id !== 'string' || fields.id.length === 0 || fields.id.length > eventIdLengthMax) {
    return `event id must be a string of 1 to ${eventIdLengthMax} characters`;
  }
  if (typeof fields.type !== 'string' || fields.type.length === 0) return 'event type must be a non-empty string';
  if (!Number.isSafeInteger(fields.created) || (fields.created as number) <= 0) return 'event created must be positive unix seconds';
  if (typeof fields.livemode !== 'boolean') return 'event livemode must be true or false';
  return null;
}
