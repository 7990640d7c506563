import Stripe from 'stripe';

/**
 * The API version every request asks for. Pinned here, not left to the SDK's default, so that an
 * SDK upgrade cannot silently change the shape of the objects (and webhooks) we read.
 */
export const stripeApiVersion = '2026-10-28.endive';

export interface StripeClientOptions {
  readonly secretKey: string;
  /** Another base URL (a Stripe-compatible test server); null = api.stripe.com. */
  readonly apiBase: URL | null;
  readonly timeoutMs: number;
}

export function createStripeClient(options: StripeClientOptions): Stripe {
  const base = options.apiBase;
  return new Stripe(options.secretKey, {
    apiVersion: stripeApiVersion,
    timeout: options.timeoutMs,
    // Retries are ours (under the same idempotency key, with backoff, visible in the saga's
    // dead letters): the SDK's own would hide outages from the process that must react to them.
    maxNetworkRetries: 0,
    telemetry: false,
    appInfo: { name: 'escrow-ledger' },
    ...(base
      ? {
          host: base.hostname,
          port: base.port || (base.protocol === 'https:' ? '443' : '80'),
          protocol: base.protocol === 'https:' ? 'https' : 'http',
        }
      : {}),
  });
}
