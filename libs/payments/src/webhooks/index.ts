export * from './stripe-webhook-inbox';
export * from './verify-stripe-webhook';
