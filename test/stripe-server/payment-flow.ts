import { invalidRequest } from './errors';
import { newId } from './ids';
import { buildCharge, type ChargeFailure, type ChargeObject } from './objects/charge';
import type { PaymentIntentObject } from './objects/payment-intent';
import type { RouteResult, ServerSettings } from './router';
import type { PaymentMethodTraits, StripeState } from './state';
import type { JsonObject } from './types';

/** Confirms `intent` with its payment method and answers as Stripe would (200, or 402 for a decline). */
export function confirmPaymentIntent(state: StripeState, settings: ServerSettings,
  intent: PaymentIntentObject): RouteResult {
  const traits = traitsOf(state, intent);
  const { behaviour } = traits;
  if (behaviour.type === 'us_bank_account') {
    intent.status = 'processing';
    state.emit('payment_intent.processing', intent);
    if (settings.processingSettleMs !== null) {
      const settlesAs = behaviour.settlesAs;
      settings.schedule(settings.processingSettleMs, () => {
        if (intent.status === 'processing') settlePaymentIntent(state, intent.id, settlesAs);
      });
    }
    return { status: 200, body: intent };
  }
  const outcome = behaviour.outcome;
  if (outcome.kind === 'authenticate') {
    intent.status = 'requires_action';
    intent.next_action = { type: 'use_stripe_sdk', use_stripe_sdk: {} };
    state.emit('payment_intent.requires_action', intent);
    return { status: 200, body: intent };
  }
  if (outcome.kind === 'decline') return declined(state, intent, traits, outcome);
  succeed(state, intent, traits);
  return { status: 200, body: intent };
}

function traitsOf(state: StripeState, intent: PaymentIntentObject): PaymentMethodTraits {
  const traits = intent.payment_method === null ? undefined : state.paymentMethodTraits.get(intent.payment_method);
  if (traits === undefined) {
    throw invalidRequest('You cannot confirm this PaymentIntent because it\'s missing a payment method.', 'payment_method');
  }
  return traits;
}

function newCharge(state: StripeState, intent: PaymentIntentObject, traits: PaymentMethodTraits,
  failure: ChargeFailure | null): ChargeObject {
  const charge = buildCharge({ id: newId('ch'), created: state.nowSeconds(), amount: intent.amount,
    currency: intent.currency, customer: intent.customer, paymentIntent: intent.id,
    paymentMethod: intent.payment_method ?? '', behaviour: traits.behaviour, fingerprint: traits.fingerprint,
    balanceTransaction: failure === null ? newId('txn') : null, failure,
    description: typeof intent['description'] === 'string' ? intent['description'] : null,
    transferGroup: intent.transfer_group, metadata: { ...intent.metadata }, receiptBaseUrl: state.baseUrl() });
  state.charges.set(charge.id, charge);
  intent.latest_charge = charge.id;
  return charge;
}

function succeed(state: StripeState, intent: PaymentIntentObject, traits: PaymentMethodTraits): void {
  const charge = newCharge(state, intent, traits, null);
  intent.status = 'succeeded';
  intent.amount_received = intent.amount;
  intent.next_action = null;
  intent.last_payment_error = null;
  state.emit('charge.succeeded', charge);
  state.emit('payment_intent.succeeded', intent);
}

function paymentError(state: StripeState, intent: PaymentIntentObject, failure: ChargeFailure,
  type: string, chargeId: string | null): JsonObject {
  const error: JsonObject = { type, code: failure.code, decline_code: failure.declineCode, message: failure.message,
    doc_url: `https://stripe.com/docs/error-codes/${failure.code.replaceAll('_', '-')}`,
    payment_method: structuredClone(state.paymentMethods.get(intent.payment_method ?? '') ?? null) };
  if (chargeId !== null) error['charge'] = chargeId;
  return error;
}

function declined(state: StripeState, intent: PaymentIntentObject, traits: PaymentMethodTraits,
  failure: ChargeFailure): RouteResult {
  const charge = newCharge(state, intent, traits, failure);
  failIntent(state, intent, paymentError(state, intent, failure, 'card_error', charge.id), charge);
  const body: JsonObject = { ...paymentError(state, intent, failure, 'card_error', charge.id),
    payment_intent: structuredClone(intent) };
  return { status: 402, body };
}

function failIntent(state: StripeState, intent: PaymentIntentObject, error: JsonObject,
  charge: ChargeObject | null): void {
  intent.status = 'requires_payment_method';
  intent.next_action = null;
  intent.last_payment_error = error;
  if (charge !== null) state.emit('charge.failed', charge);
  state.emit('payment_intent.payment_failed', intent);
}

const bankAccountClosed: ChargeFailure = { code: 'account_closed', declineCode: 'account_closed',
  message: 'The customer\'s bank account has been closed.' };
const authenticationFailed: ChargeFailure = { code: 'payment_intent_authentication_failure',
  declineCode: 'authentication_required',
  message: 'The provided PaymentMethod has failed authentication. You can provide payment_method_data or a new PaymentMethod to attempt to fulfill this PaymentIntent again.' };

/** What Stripe does on its own when a bank debit clears or a customer finishes (or fails) authentication. */
export function settlePaymentIntent(state: StripeState, id: string, outcome: 'succeeded' | 'failed'): void {
  const intent = state.paymentIntents.get(id);
  if (intent === undefined) throw invalidRequest(`No such payment_intent: '${id}'`, 'id', 'resource_missing');
  if (intent.status !== 'processing' && intent.status !== 'requires_action') {
    throw invalidRequest(`PaymentIntent ${id} is ${intent.status}; only processing or requires_action ones settle.`);
  }
  const traits = traitsOf(state, intent);
  if (outcome === 'succeeded') return succeed(state, intent, traits);
  if (intent.status === 'requires_action') {
    return failIntent(state, intent, paymentError(state, intent, authenticationFailed, 'card_error', null), null);
  }
  const charge = newCharge(state, intent, traits, bankAccountClosed);
  failIntent(state, intent, paymentError(state, intent, bankAccountClosed, 'card_error', charge.id), charge);
}
