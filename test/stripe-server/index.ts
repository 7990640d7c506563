export { startStripeTestServer } from './server';
export { signatureHeader } from './webhooks';
export type {
  ChaosSpec, FaultKind, FaultSpec, LedgerCharge, LedgerRefund, LedgerTransfer, RequestLogEntry, StripeEvent,
  StripeTestServer, StripeTestServerOptions, TestServerLedger, WebhookDeliveryLogEntry, WebhookEndpoint,
} from './types';
