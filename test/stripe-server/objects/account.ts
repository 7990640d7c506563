import type { JsonObject } from '../types';
import { listObject } from './common';

export interface AccountObject extends JsonObject {
  id: string;
  object: 'account';
  capabilities: Record<string, string>;
  charges_enabled: boolean;
  details_submitted: boolean;
  payouts_enabled: boolean;
  requirements: JsonObject;
  metadata: Record<string, string>;
}

/** What a fresh Express account still has to provide before Stripe enables it. */
export const onboardingRequirements = ['business_type', 'external_account', 'individual.first_name',
  'individual.last_name', 'tos_acceptance.date', 'tos_acceptance.ip'];

export function requirements(currentlyDue: string[]): JsonObject {
  return {
    alternatives: [], current_deadline: null, currently_due: currentlyDue,
    disabled_reason: currentlyDue.length > 0 ? 'requirements.past_due' : null, errors: [],
    eventually_due: currentlyDue, past_due: currentlyDue, pending_verification: [],
  };
}

function settings(): JsonObject {
  return {
    bacs_debit_payments: { display_name: null, service_user_number: null },
    branding: { icon: null, logo: null, primary_color: null, secondary_color: null },
    card_issuing: { tos_acceptance: { date: null, ip: null } },
    card_payments: { decline_on: { avs_failure: false, cvc_failure: false }, statement_descriptor_prefix: null,
      statement_descriptor_prefix_kana: null, statement_descriptor_prefix_kanji: null },
    dashboard: { display_name: null, timezone: 'Etc/UTC' },
    invoices: { default_account_tax_ids: null, hosted_payment_method_save: null },
    payments: { statement_descriptor: null, statement_descriptor_kana: null, statement_descriptor_kanji: null,
      statement_descriptor_prefix_kana: null, statement_descriptor_prefix_kanji: null },
    payouts: { debit_negative_balances: true, schedule: { delay_days: 2, interval: 'daily' },
      statement_descriptor: null },
    sepa_debit_payments: {},
  };
}

export function buildAccount(input: { id: string; created: number; type: string; country: string;
  email: string | null; requestedCapabilities: string[]; metadata: Record<string, string> }): AccountObject {
  const capabilities: Record<string, string> = {};
  for (const name of input.requestedCapabilities) capabilities[name] = 'inactive';
  return {
    business_profile: { annual_revenue: null, estimated_worker_count: null, mcc: null, name: null,
      product_description: null, support_address: null, support_email: null, support_phone: null,
      support_url: null, url: null, minority_owned_business_designation: null },
    business_type: null, capabilities, charges_enabled: false, controller: { type: 'application' },
    country: input.country, created: input.created, default_currency: 'usd', details_submitted: false,
    email: input.email, external_accounts: listObject([], `/v1/accounts/${input.id}/external_accounts`),
    future_requirements: requirements([]), id: input.id, metadata: input.metadata, object: 'account',
    payouts_enabled: false, requirements: requirements(onboardingRequirements), settings: settings(),
    tos_acceptance: { date: null, ip: null, user_agent: null }, type: input.type,
  };
}

export function buildAccountLink(input: { created: number; expiresAt: number; url: string }): JsonObject {
  return { created: input.created, expires_at: input.expiresAt, object: 'account_link', url: input.url };
}

