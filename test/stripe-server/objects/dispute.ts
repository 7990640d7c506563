import type { JsonObject } from '../types';

export type DisputeStatus = 'needs_response' | 'under_review' | 'won' | 'lost';

export interface DisputeObject extends JsonObject {
  id: string;
  object: 'dispute';
  amount: number;
  charge: string;
  status: DisputeStatus;
}

const evidenceFields = ['access_activity_log', 'billing_address', 'cancellation_policy',
  'cancellation_policy_disclosure', 'cancellation_rebuttal', 'customer_communication', 'customer_email_address',
  'customer_name', 'customer_purchase_ip', 'customer_signature', 'duplicate_charge_documentation',
  'duplicate_charge_explanation', 'duplicate_charge_id', 'product_description', 'receipt', 'refund_policy',
  'refund_policy_disclosure', 'refund_refusal_explanation', 'service_date', 'service_documentation',
  'shipping_address', 'shipping_carrier', 'shipping_date', 'shipping_documentation', 'shipping_tracking_number',
  'uncategorized_file', 'uncategorized_text'];

function emptyEvidence(): JsonObject {
  const evidence: JsonObject = {};
  for (const field of evidenceFields) evidence[field] = null;
  evidence['enhanced_evidence'] = {};
  return evidence;
}

export function buildDispute(input: { id: string; created: number; amount: number; currency: string; charge: string;
  paymentIntent: string | null; brand: string; evidenceDueBy: number }): DisputeObject {
  return {
    amount: input.amount, balance_transactions: [], charge: input.charge, created: input.created,
    currency: input.currency, evidence: emptyEvidence(),
    evidence_details: { due_by: input.evidenceDueBy, has_evidence: false, past_due: false, submission_count: 0,
      enhanced_eligibility: {} },
    id: input.id, is_charge_refundable: false, livemode: false, metadata: {}, object: 'dispute',
    payment_intent: input.paymentIntent,
    payment_method_details: { card: { brand: input.brand, case_type: 'chargeback', network_reason_code: '10.4',
      network: input.brand }, type: 'card' },
    reason: 'fraudulent', status: 'needs_response', enhanced_eligibility_types: [],
  };
}
