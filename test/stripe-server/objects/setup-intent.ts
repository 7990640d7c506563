import type { JsonObject } from '../types';

export interface SetupIntentObject extends JsonObject {
  id: string;
  object: 'setup_intent';
  customer: string | null;
  status: string;
}

export function buildSetupIntent(input: { id: string; created: number; clientSecret: string; customer: string | null;
  usage: string; paymentMethodTypes: string[]; metadata: Record<string, string>;
  automaticPaymentMethods: JsonObject | null }): SetupIntentObject {
  return {
    application: null, automatic_payment_methods: input.automaticPaymentMethods, cancellation_reason: null,
    client_secret: input.clientSecret, created: input.created, customer: input.customer, description: null,
    flow_directions: null, id: input.id, last_setup_error: null, latest_attempt: null, livemode: false,
    mandate: null, metadata: input.metadata, next_action: null, object: 'setup_intent', on_behalf_of: null,
    payment_method: null, payment_method_configuration_details: null, payment_method_options: {},
    payment_method_types: input.paymentMethodTypes, single_use_mandate: null,
    status: 'requires_payment_method', usage: input.usage, excluded_payment_method_types: null,
  };
}
