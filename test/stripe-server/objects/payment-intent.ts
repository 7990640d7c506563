import type { Json, JsonObject } from '../types';

export type PaymentIntentStatus = 'requires_payment_method' | 'requires_confirmation' | 'requires_action'
  | 'processing' | 'succeeded' | 'canceled';

export interface PaymentIntentObject extends JsonObject {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  created: number;
  currency: string;
  customer: string | null;
  latest_charge: string | null;
  last_payment_error: JsonObject | null;
  metadata: Record<string, string>;
  next_action: JsonObject | null;
  payment_method: string | null;
  payment_method_types: string[];
  status: PaymentIntentStatus;
  transfer_group: string | null;
  processing: JsonObject | null;
}

export function buildPaymentIntent(input: { id: string; created: number; clientSecret: string; amount: number;
  currency: string; customer: string | null; paymentMethod: string | null; paymentMethodTypes: string[];
  description: string | null; transferGroup: string | null; metadata: Record<string, string>;
  setupFutureUsage: string | null; automaticPaymentMethods: JsonObject | null }): PaymentIntentObject {
  const status: PaymentIntentStatus = input.paymentMethod === null ? 'requires_payment_method' : 'requires_confirmation';
  const paymentMethodOptions: Json = {};
  return {
    amount: input.amount, amount_capturable: 0, amount_details: { tip: {} }, amount_received: 0,
    application: null, application_fee_amount: null, automatic_payment_methods: input.automaticPaymentMethods, canceled_at: null,
    cancellation_reason: null, capture_method: 'automatic', client_secret: input.clientSecret,
    confirmation_method: 'automatic', created: input.created, currency: input.currency, customer: input.customer,
    description: input.description, id: input.id, last_payment_error: null, latest_charge: null, livemode: false,
    metadata: input.metadata, next_action: null, object: 'payment_intent', on_behalf_of: null,
    payment_method: input.paymentMethod, payment_method_configuration_details: null,
    payment_method_options: paymentMethodOptions, payment_method_types: input.paymentMethodTypes, processing: null,
    receipt_email: null, review: null, setup_future_usage: input.setupFutureUsage, shipping: null,
    statement_descriptor: null, statement_descriptor_suffix: null, status, transfer_data: null,
    transfer_group: input.transferGroup, source: null, excluded_payment_method_types: null,
    customer_account: null, managed_payments: { enabled: false },
  };
}
