import Stripe from 'stripe';
import { PaymentGatewayError } from '../payment-gateway';

type StripeError = InstanceType<typeof Stripe.errors.StripeError>;

export function isStripeError(error: unknown): error is StripeError {
  return error instanceof Stripe.errors.StripeError;
}

/** The provider refused the request itself (a 400/404 that is not about idempotency). */
export function isInvalidRequest(error: unknown): error is StripeError {
  return error instanceof Stripe.errors.StripeInvalidRequestError;
}

/**
 * Stripe's failures in our two kinds. Retryable: the outcome is unknown or the request was not
 * applied (connection lost, timeout, 429 rate or lock limit, 409 key in use, 5xx) — retry under
 * the same idempotency key. Terminal: retrying cannot help (bad key, bad request, key reused).
 */
export function toGatewayError(error: unknown, operation: string): PaymentGatewayError {
  if (error instanceof PaymentGatewayError) return error;
  if (!isStripeError(error)) {
    const message = error instanceof Error ? error.message : String(error);
    return new PaymentGatewayError(`${operation}: ${message}`, false, 'unexpected_error');
  }
  const message = `${operation}: ${error.message || error.type}`;
  if (error instanceof Stripe.errors.StripeConnectionError) {
    const timedOut = /timeout/i.test(error.message);
    return new PaymentGatewayError(message, true, timedOut ? 'timeout' : 'connection_error');
  }
  if (error instanceof Stripe.errors.StripeRateLimitError) {
    return new PaymentGatewayError(message, true, error.code === 'lock_timeout' ? 'lock_timeout' : 'rate_limited');
  }
  if (error instanceof Stripe.errors.StripeIdempotencyError) {
    return new PaymentGatewayError(message, false, 'idempotency_key_reused');
  }
  if (error instanceof Stripe.errors.StripeAuthenticationError || error instanceof Stripe.errors.StripePermissionError) {
    return new PaymentGatewayError(message, false, 'provider_refused_credentials');
  }
  const status = error.statusCode ?? 0;
  if (status === 409) return new PaymentGatewayError(message, true, 'idempotency_key_in_use');
  if (status >= 500) return new PaymentGatewayError(message, true, 'provider_error');
  if (error.code === 'lock_timeout') return new PaymentGatewayError(message, true, 'lock_timeout');
  return new PaymentGatewayError(message, false, error.code ?? 'invalid_request');
}
