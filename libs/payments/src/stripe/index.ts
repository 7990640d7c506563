export { StripePaymentGateway, payoutsEnabled, subscriptionOf, type StripeGatewayOptions } from './stripe-gateway';
export { createStripeClient, stripeApiVersion, type StripeClientOptions } from './stripe-client';
export { toGatewayError } from './stripe-errors';
