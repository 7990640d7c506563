/** Public types of the Stripe-compatible test server (the lead's tests import these). */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export type FaultKind = 'latency' | 'http_500' | 'http_429' | 'reset_before' | 'reset_after';

export interface FaultSpec {
  method?: string;
  /** Prefix match on the URL path, e.g. '/v1/transfers'. */
  path: string;
  kind: FaultKind;
  /** How many matching requests it hits; default 1. */
  times?: number;
  latencyMs?: number;
}

export interface ChaosSpec {
  /** Probability 0..1 that a matching POST gets a fault. */
  rate: number;
  seed: number;
  kinds: FaultKind[];
  paths: string[];
  latencyMs?: number;
}

export interface WebhookEndpoint {
  url: string;
  secret: string;
}

export interface StripeTestServerOptions {
  /** 0 = random (default). */
  port?: number;
  webhook?: WebhookEndpoint | null;
  /** Default true: every new event is delivered in order, asynchronously. */
  autoDeliverWebhooks?: boolean;
  /** pm_usBankAccount_* payment intents leave `processing` after this long (null = only via control). */
  processingSettleMs?: number | null;
  /** Accepted secret key; default: any key starting with 'sk_test_'. */
  apiKey?: string;
  /** Clock in ms since epoch; injectable so a test can age idempotency keys. */
  now?: () => number;
  /** Waits between webhook delivery attempts; its length is the retry count. Default [50, 250, 1000]. */
  webhookRetryDelaysMs?: number[];
}

export interface LedgerCharge {
  id: string;
  paymentIntentId: string | null;
  amount: number;
  amountRefunded: number;
  status: string;
  transferGroup: string | null;
  metadata: Record<string, string>;
  created: number;
}

export interface LedgerTransfer {
  id: string;
  amount: number;
  amountReversed: number;
  destination: string;
  sourceTransaction: string | null;
  transferGroup: string | null;
  metadata: Record<string, string>;
  created: number;
}

export interface LedgerRefund {
  id: string;
  amount: number;
  charge: string;
  paymentIntent: string | null;
  status: string;
  metadata: Record<string, string>;
  created: number;
}

export interface TestServerLedger {
  charges: LedgerCharge[];
  transfers: LedgerTransfer[];
  refunds: LedgerRefund[];
}

export interface StripeEvent {
  id: string;
  object: 'event';
  api_version: string;
  created: number;
  data: { object: JsonObject; previous_attributes?: JsonObject };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

export interface RequestLogEntry {
  method: string;
  path: string;
  idempotencyKey: string | null;
  /** 0 when the socket was destroyed before any answer (reset_before). */
  status: number;
}

export interface WebhookDeliveryLogEntry {
  eventId: string;
  attempt: number;
  /** 0 = connection error. */
  status: number;
}

export type TamperableObject = 'charge' | 'transfer' | 'refund';

export interface StripeTestServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
  setWebhook(endpoint: WebhookEndpoint | null): void;
  /** The money the server really moved, for tests to compare with our ledger. */
  ledger(): TestServerLedger;
  injectFault(fault: FaultSpec): void;
  setChaos(chaos: ChaosSpec | null): void;
  clearFaults(): void;
  completeOnboarding(accountId: string): void;
  settlePaymentIntent(id: string, outcome: 'succeeded' | 'failed'): void;
  createDispute(chargeId: string, amount?: number): string;
  closeDispute(disputeId: string, status: 'won' | 'lost'): void;
  reverseTransfer(transferId: string, amount?: number): string;
  tamper(object: TamperableObject, id: string, change: { amount?: number; status?: string }): void;
  events(): StripeEvent[];
  deliver(eventId: string): Promise<number>;
  requests(): RequestLogEntry[];
  /** Every webhook delivery attempt, oldest first. */
  webhookDeliveries(): WebhookDeliveryLogEntry[];
  /** Resolves once every queued webhook delivery has finished (delivered or given up). */
  webhooksIdle(): Promise<void>;
}
