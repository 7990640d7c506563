import type { NestExpressApplication } from '@nestjs/platform-express';
import { stripeEventBytesMax } from '@escrow/payments';
import type { IncomingMessage, ServerResponse } from 'node:http';

export const stripeWebhookPath = '/v1/webhooks/stripe';

/**
 * Gives the webhook route its raw body (the signature covers the exact bytes) with Stripe's size
 * limit, leaving every other route's JSON parsing as it was. Call before the app initialises:
 * the parser must run before Nest's JSON parser, which then sees the body as already read.
 * Needs `rawBody: true` in `NestFactory.create`, which is what keeps the bytes as `req.rawBody`.
 */
export function prepareStripeWebhookRoute(app: NestExpressApplication): void {
  app.use(stripeWebhookPath, dropIdempotencyKey);
  app.useBodyParser('raw', { type: isStripeWebhookRequest, limit: stripeEventBytesMax });
}

export function isStripeWebhookRequest(request: IncomingMessage): boolean {
  const path = (request.url ?? '').split('?')[0]!.replace(/\/+$/, '');
  // Express routes ignore case, so a differently cased path still reaches the controller.
  return path.toLowerCase() === stripeWebhookPath;
}

/**
 * Stripe's redeliveries are deduplicated by event id in the inbox. An Idempotency-Key here would
 * only make the global interceptor hash the raw body and replay or refuse by a key that nobody
 * authenticated, so the route does not take one.
 */
function dropIdempotencyKey(request: IncomingMessage, _response: ServerResponse, next: () => void): void {
  delete request.headers['idempotency-key'];
  next();
}
