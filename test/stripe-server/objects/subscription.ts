import type { JsonObject } from '../types';

/**
 * Stripe Billing, as far as the ledger's agency plans need it: recurring monthly prices and
 * subscriptions of one item. Shapes follow Stripe's published `subscription` and `price` examples
 * at this server's API version (the billing period lives on the items since 2025-03-31).
 */
export interface PriceObject extends JsonObject {
  id: string;
  object: 'price';
  unit_amount: number;
}

export interface SubscriptionObject extends JsonObject {
  id: string;
  object: 'subscription';
  customer: string;
  status: string;
  latest_invoice: string | null;
}

/**
 * The prices this server knows from the start, as a test account would have them created in the
 * dashboard: the ledger's default agency plans (ids and monthly amounts of its default
 * SUBSCRIPTION_PLANS).
 */
export const knownPrices: readonly { id: string; unitAmount: number; nickname: string }[] = [
  { id: 'price_agency_basic_monthly', unitAmount: 9_900, nickname: 'Agency Basic' },
  { id: 'price_agency_pro_monthly', unitAmount: 29_900, nickname: 'Agency Pro' },
];

export function buildPrice(input: { id: string; created: number; unitAmount: number; nickname: string; product: string }): PriceObject {
  return {
    active: true, billing_scheme: 'per_unit', created: input.created, currency: 'usd',
    custom_unit_amount: null, id: input.id, livemode: false, lookup_key: null, metadata: {},
    nickname: input.nickname, object: 'price', product: input.product,
    recurring: { interval: 'month', interval_count: 1, meter: null, usage_type: 'licensed', trial_period_days: null },
    tax_behavior: 'unspecified', tiers_mode: null, transform_quantity: null, type: 'recurring',
    unit_amount: input.unitAmount, unit_amount_decimal: String(input.unitAmount),
  };
}

/** The legacy `plan` view Stripe still puts on each item, derived from its price. */
function planOf(price: PriceObject): JsonObject {
  return {
    active: true, amount: price.unit_amount, amount_decimal: String(price.unit_amount), billing_scheme: 'per_unit',
    created: price['created'] as number, currency: 'usd', id: price.id, interval: 'month', interval_count: 1,
    livemode: false, metadata: {}, meter: null, nickname: price['nickname'] as string | null, object: 'plan',
    product: price['product'] as string, tiers_mode: null, transform_usage: null, trial_period_days: null,
    usage_type: 'licensed',
  };
}

/** One month on from `start` (unix seconds), as Stripe's monthly billing anchor moves. */
export function oneMonthAfter(start: number): number {
  const date = new Date(start * 1000);
  date.setUTCMonth(date.getUTCMonth() + 1);
  return Math.floor(date.getTime() / 1000);
}

export function buildSubscription(input: {
  id: string; itemId: string; created: number; customer: string; price: PriceObject; quantity: number;
  defaultPaymentMethod: string | null; status: string; latestInvoice: string | null; metadata: Record<string, string>;
}): SubscriptionObject {
  const periodEnd = oneMonthAfter(input.created);
  return {
    application: null, application_fee_percent: null,
    automatic_tax: { enabled: false, liability: null, disabled_reason: null },
    billing_cycle_anchor: input.created, billing_cycle_anchor_config: null, cancel_at: null, canceled_at: null,
    cancellation_details: { comment: null, feedback: null, reason: null }, collection_method: 'charge_automatically',
    created: input.created, currency: 'usd', customer: input.customer, days_until_due: null,
    default_payment_method: input.defaultPaymentMethod, default_source: null, default_tax_rates: [], description: null,
    discounts: [], ended_at: null, id: input.id,
    invoice_settings: { account_tax_ids: null, issuer: { type: 'self' }, custom_fields: null, description: null, footer: null },
    items: {
      data: [{
        created: input.created, discounts: [], id: input.itemId, metadata: {}, object: 'subscription_item',
        price: input.price, quantity: input.quantity, subscription: input.id, tax_rates: [], plan: planOf(input.price),
        current_period_end: periodEnd, current_period_start: input.created, billing_thresholds: null,
      }],
      has_more: false, object: 'list', url: `/v1/subscription_items?subscription=${input.id}`,
    },
    latest_invoice: input.latestInvoice, livemode: false, metadata: input.metadata,
    next_pending_invoice_item_invoice: null, object: 'subscription', on_behalf_of: null, pause_collection: null,
    payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: 'off' },
    pending_invoice_item_interval: null, pending_setup_intent: null, pending_update: null, schedule: null,
    start_date: input.created, status: input.status, test_clock: null, transfer_data: null, trial_end: null,
    trial_settings: { end_behavior: { missing_payment_method: 'create_invoice' } }, trial_start: null,
    cancel_at_period_end: false, billing_thresholds: null, billing_mode: { type: 'classic', flexible: null },
    customer_account: null, managed_payments: null, billing_schedules: [],
  };
}

/** Stripe's canceled subscription: ended now, at the customer's request (through our API). */
export function cancelSubscription(subscription: SubscriptionObject, now: number): void {
  Object.assign(subscription, {
    status: 'canceled', canceled_at: now, ended_at: now,
    cancellation_details: { comment: null, feedback: null, reason: 'cancellation_requested' },
  });
}
