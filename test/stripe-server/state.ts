import { newId } from './ids';
import { notFound } from './errors';
import { buildEvent } from './objects/event';
import type { AccountObject } from './objects/account';
import type { ChargeObject } from './objects/charge';
import type { CustomerObject } from './objects/customer';
import type { DisputeObject } from './objects/dispute';
import type { PaymentIntentObject } from './objects/payment-intent';
import type { PaymentMethodObject } from './objects/payment-method';
import type { RefundObject } from './objects/refund';
import type { SetupIntentObject } from './objects/setup-intent';
import { buildPrice, knownPrices, type PriceObject, type SubscriptionObject } from './objects/subscription';
import type { TransferObject, TransferReversalObject } from './objects/transfer';
import type { PaymentBehaviour } from './test-tokens';
import type { JsonObject, StripeEvent } from './types';

export const defaultApiVersion = '2026-10-28.endive';

export interface RequestOrigin {
  id: string | null;
  idempotency_key: string | null;
}

export interface PaymentMethodTraits {
  behaviour: PaymentBehaviour;
  fingerprint: string;
}

/** All in-memory Stripe state of one server instance. Maps keep insertion order = creation order. */
export class StripeState {
  readonly customers = new Map<string, CustomerObject>();
  readonly paymentMethods = new Map<string, PaymentMethodObject>();
  readonly paymentMethodTraits = new Map<string, PaymentMethodTraits>();
  readonly setupIntents = new Map<string, SetupIntentObject>();
  readonly paymentIntents = new Map<string, PaymentIntentObject>();
  readonly charges = new Map<string, ChargeObject>();
  readonly transfers = new Map<string, TransferObject>();
  readonly reversals = new Map<string, TransferReversalObject>();
  readonly refunds = new Map<string, RefundObject>();
  readonly accounts = new Map<string, AccountObject>();
  readonly disputes = new Map<string, DisputeObject>();
  readonly events = new Map<string, StripeEvent>();
  /** Billing: the prices a test account has (`knownPrices`), and subscriptions. */
  readonly prices = new Map<string, PriceObject>();
  readonly subscriptions = new Map<string, SubscriptionObject>();
  /** return_url of the latest account link per account, where the onboarding page sends the person. */
  readonly onboardingReturnUrls = new Map<string, string>();
  /** Set by the HTTP layer while a request is applied, so events name the request that caused them. */
  currentRequest: RequestOrigin | null = null;
  hasWebhookEndpoint = false;
  private readonly eventListeners: ((event: StripeEvent) => void)[] = [];

  constructor(
    private readonly nowMs: () => number,
    readonly baseUrl: () => string,
  ) {
    for (const price of knownPrices) {
      this.prices.set(price.id, buildPrice({ ...price, created: this.nowSeconds(), product: newId('prod') }));
    }
  }

  nowSeconds(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  onEvent(listener: (event: StripeEvent) => void): void {
    this.eventListeners.push(listener);
  }

  /** Records a Stripe event with a snapshot of `object` as it is now. */
  emit(type: string, object: JsonObject, previousAttributes: JsonObject | null = null): StripeEvent {
    const event = buildEvent({
      id: newId('evt'), created: this.nowSeconds(), apiVersion: defaultApiVersion, type,
      object: structuredClone(object), previousAttributes, pendingWebhooks: this.hasWebhookEndpoint ? 1 : 0,
      request: this.currentRequest ?? { id: null, idempotency_key: null },
    });
    this.events.set(event.id, event);
    for (const listener of this.eventListeners) listener(event);
    return event;
  }

  /** Any stored object by id, for `expand[]`; the id prefix says which collection. */
  findById(id: string): JsonObject | undefined {
    const prefix = id.slice(0, id.indexOf('_'));
    const collections: Record<string, Map<string, JsonObject>> = {
      cus: this.customers, pm: this.paymentMethods, seti: this.setupIntents, pi: this.paymentIntents,
      ch: this.charges, tr: this.transfers, trr: this.reversals, re: this.refunds, acct: this.accounts,
      du: this.disputes, sub: this.subscriptions, price: this.prices, evt: this.events as unknown as Map<string, JsonObject>,
    };
    return collections[prefix]?.get(id);
  }
}

/** Gets `id` from `map` or throws Stripe's 404 for a path id. */
export function mustGet<T>(map: Map<string, T>, id: string, kind: string): T {
  const found = map.get(id);
  if (found === undefined) throw notFound(kind, id);
  return found;
}
