import type { JsonObject } from '../types';
import type { PaymentBehaviour } from '../test-tokens';
import { emptyAddress } from './common';

export interface PaymentMethodObject extends JsonObject {
  id: string;
  object: 'payment_method';
  customer: string | null;
  type: string;
}

function cardDetails(behaviour: Extract<PaymentBehaviour, { type: 'card' }>, fingerprint: string): JsonObject {
  return {
    brand: behaviour.brand,
    checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
    country: 'US', display_brand: behaviour.brand, exp_month: 12, exp_year: 2034, fingerprint,
    funding: behaviour.funding, generated_from: null, last4: behaviour.last4,
    networks: { available: [behaviour.brand], preferred: null },
    three_d_secure_usage: { supported: true }, wallet: null, regulated_status: 'unregulated',
  };
}

function bankDetails(behaviour: Extract<PaymentBehaviour, { type: 'us_bank_account' }>, fingerprint: string): JsonObject {
  return {
    account_holder_type: 'individual', account_type: 'checking', bank_name: 'STRIPE TEST BANK',
    financial_connections_account: null, fingerprint, last4: behaviour.last4,
    networks: { preferred: 'ach', supported: ['ach'] }, routing_number: '110000000', status_details: {},
  };
}

export function buildPaymentMethod(input: { id: string; created: number; customer: string | null;
  behaviour: PaymentBehaviour; fingerprint: string }): PaymentMethodObject {
  const { behaviour } = input;
  const details: JsonObject = behaviour.type === 'card'
    ? { card: cardDetails(behaviour, input.fingerprint) }
    : { us_bank_account: bankDetails(behaviour, input.fingerprint) };
  return {
    allow_redisplay: 'unspecified',
    billing_details: { address: emptyAddress(), email: null, name: behaviour.type === 'card' ? null : 'Jenny Rosen',
      phone: null, tax_id: null },
    ...details,
    created: input.created, customer: input.customer, id: input.id, livemode: false, metadata: {},
    object: 'payment_method', type: behaviour.type, customer_account: null,
  };
}
