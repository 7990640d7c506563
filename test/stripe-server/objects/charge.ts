import type { JsonObject } from '../types';
import type { PaymentBehaviour } from '../test-tokens';
import { emptyAddress, listObject, type ListObject } from './common';

export interface ChargeObject extends JsonObject {
  id: string;
  object: 'charge';
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  created: number;
  currency: string;
  disputed: boolean;
  metadata: Record<string, string>;
  paid: boolean;
  payment_intent: string | null;
  refunded: boolean;
  refunds: ListObject<JsonObject>;
  status: 'succeeded' | 'pending' | 'failed';
  transfer_group: string | null;
}

export interface ChargeFailure {
  code: string;
  declineCode: string;
  message: string;
}

function cardPaymentDetails(behaviour: Extract<PaymentBehaviour, { type: 'card' }>, amount: number,
  fingerprint: string): JsonObject {
  return {
    amount_authorized: amount, brand: behaviour.brand,
    checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
    country: 'US', exp_month: 12, exp_year: 2034, extended_authorization: { status: 'disabled' },
    fingerprint, funding: behaviour.funding, incremental_authorization: { status: 'unavailable' },
    installments: null, last4: behaviour.last4, mandate: null, multicapture: { status: 'unavailable' },
    network: behaviour.brand, network_token: { used: false },
    overcapture: { maximum_amount_capturable: amount, status: 'unavailable' }, three_d_secure: null,
    wallet: null, authorization_code: null, regulated_status: 'unregulated', network_transaction_id: null,
    transaction_link_id: null,
  };
}

function paymentMethodDetails(behaviour: PaymentBehaviour, amount: number, fingerprint: string): JsonObject {
  if (behaviour.type === 'card') return { card: cardPaymentDetails(behaviour, amount, fingerprint), type: 'card' };
  return {
    us_bank_account: { account_holder_type: 'individual', account_type: 'checking', bank_name: 'STRIPE TEST BANK',
      fingerprint, last4: behaviour.last4, mandate: null, payment_reference: null, routing_number: '110000000' },
    type: 'us_bank_account',
  };
}

function outcome(failure: ChargeFailure | null): JsonObject {
  const common = { advice_code: null, network_advice_code: null, network_decline_code: null };
  if (failure === null) {
    return { ...common, network_status: 'approved_by_network', reason: null,
      seller_message: 'Payment complete.', type: 'authorized' };
  }
  return { ...common, network_status: 'declined_by_network', reason: failure.declineCode,
    seller_message: 'The bank did not return any further details with this decline.', type: 'issuer_declined' };
}

export function buildCharge(input: { id: string; created: number; amount: number; currency: string;
  customer: string | null; paymentIntent: string | null; paymentMethod: string; behaviour: PaymentBehaviour;
  fingerprint: string; balanceTransaction: string | null; failure: ChargeFailure | null; description: string | null;
  transferGroup: string | null; metadata: Record<string, string>; receiptBaseUrl: string }): ChargeObject {
  const succeeded = input.failure === null;
  return {
    amount: input.amount, amount_captured: succeeded ? input.amount : 0, amount_refunded: 0, application: null,
    application_fee: null, application_fee_amount: null, balance_transaction: input.balanceTransaction,
    billing_details: { address: emptyAddress(), email: null, name: null, phone: null, tax_id: null },
    calculated_statement_descriptor: 'ESCROW TEST', captured: succeeded, created: input.created,
    currency: input.currency, customer: input.customer, description: input.description, disputed: false,
    failure_balance_transaction: null, failure_code: input.failure?.code ?? null,
    failure_message: input.failure?.message ?? null, fraud_details: {}, id: input.id, livemode: false,
    metadata: input.metadata, object: 'charge', on_behalf_of: null, outcome: outcome(input.failure),
    paid: succeeded, payment_intent: input.paymentIntent, payment_method: input.paymentMethod,
    payment_method_details: paymentMethodDetails(input.behaviour, input.amount, input.fingerprint),
    receipt_email: null, receipt_number: null, receipt_url: `${input.receiptBaseUrl}/_test/receipts/${input.id}`,
    refunded: false, refunds: listObject([], `/v1/charges/${input.id}/refunds`), review: null, shipping: null,
    source_transfer: null, statement_descriptor: null, statement_descriptor_suffix: null,
    status: succeeded ? 'succeeded' : 'failed', transfer_data: null, transfer_group: input.transferGroup,
    source: null,
  };
}
