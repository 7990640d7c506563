import type { JsonObject } from '../types';

export interface RefundObject extends JsonObject {
  id: string;
  object: 'refund';
  amount: number;
  charge: string;
  created: number;
  metadata: Record<string, string>;
  payment_intent: string | null;
  status: string;
}

export function buildRefund(input: { id: string; created: number; amount: number; currency: string; charge: string;
  paymentIntent: string | null; paymentMethodType: string; customer: string | null; paymentMethod: string | null;
  balanceTransaction: string; reason: string | null; metadata: Record<string, string> }): RefundObject {
  const destinationType = input.paymentMethodType === 'card' ? 'card' : 'us_bank_transfer';
  const destinationDetails: JsonObject = destinationType === 'card'
    ? { card: { type: 'refund' }, type: 'card' }
    : { us_bank_transfer: {}, type: destinationType };
  return {
    amount: input.amount, balance_transaction: input.balanceTransaction, charge: input.charge,
    created: input.created, currency: input.currency, destination_details: destinationDetails, id: input.id,
    metadata: input.metadata, object: 'refund', payment_intent: input.paymentIntent, reason: input.reason,
    receipt_number: null, source_transfer_reversal: null, status: 'succeeded', transfer_reversal: null,
    customer: input.customer, customer_account: null, payment_method: input.paymentMethod,
  };
}
