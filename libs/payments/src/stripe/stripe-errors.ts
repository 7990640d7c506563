import Stripe from 'stripe';
import { PaymentGatewayError, PaymentProviderRefused } from '../payment-gateway';

type StripeError = InstanceType<typeof Stripe.errors.StripeError>;

export function isStripeError(error: unknown): error is StripeError {
  return error instanceof Stripe.errors.StripeError;
}

export function isCardError(error: unknown): error is InstanceType<typeof Stripe.errors.StripeCardError> {
  return error instanceof Stripe.errors.StripeCardError;
}

/**
 * Stripe's codes for a request that was made right but that the state of the money refuses: the
 * trainer's account cannot receive transfers yet, or the charge has nothing left for this
 * transfer. The same payout may go through later, so these stay business outcomes; any other
 * invalid_request_error means our request itself was wrong.
 */
export const transferStateRefusalCodes: ReadonlySet<string> = new Set([
  'insufficient_capabilities_for_transfer',
  'insufficient_funds',
  'balance_insufficient',
]);

/**
 * Stripe's failures in our kinds. Retryable: the outcome is unknown or the request was not
 * applied (connection lost, timeout, 429 rate or lock limit, 409 key in use, 5xx) — retry under
 * the same idempotency key. Terminal: a key reused with other parameters, or the provider
 * refusing our request as made (PaymentProviderRefused: invalid request, refused credentials,
 * any other 4xx), which only a fix on our side can change. Card declines are read by the charge
 * before they get here.
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
  if (error instanceof Stripe.errors.StripeIdempotencyError || error.rawType === 'idempotency_error') {
    return new PaymentGatewayError(message, false, 'idempotency_key_reused');
  }
  const status = error.statusCode ?? 0;
  if (status === 409) return new PaymentGatewayError(message, true, 'idempotency_key_in_use');
  if (status >= 500) return new PaymentGatewayError(message, true, 'provider_error');
  if (error.code === 'lock_timeout') return new PaymentGatewayError(message, true, 'lock_timeout');
  if (isCardError(error)) return new PaymentGatewayError(message, false, error.code ?? 'card_declined');
  const credentials = error instanceof Stripe.errors.StripeAuthenticationError || error instanceof Stripe.errors.StripePermissionError;
  return refused(error, operation, credentials ? 'provider_refused_credentials' : (error.code ?? 'invalid_request'));
}

function refused(error: StripeError, operation: string, code: string): PaymentProviderRefused {
  return new PaymentProviderRefused(operation, error.message || error.type, code, {
    status: error.statusCode ?? 0,
    type: error.rawType ?? error.type,
    code: error.code ?? null,
    param: error.param ?? null,
    requestId: error.requestId ?? null,
  });
}
