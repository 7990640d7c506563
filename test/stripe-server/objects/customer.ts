import type { JsonObject } from '../types';
import { emptyAddress } from './common';

export interface CustomerObject extends JsonObject {
  id: string;
  object: 'customer';
  created: number;
  email: string | null;
  metadata: Record<string, string>;
}

export function buildCustomer(input: { id: string; created: number; email: string | null; name: string | null;
  description: string | null; metadata: Record<string, string>; invoicePrefix: string }): CustomerObject {
  return {
    address: emptyAddress(), balance: 0, created: input.created, currency: null, default_source: null,
    delinquent: false, description: input.description, discount: null, email: input.email, id: input.id,
    invoice_prefix: input.invoicePrefix,
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null,
      rendering_options: null },
    livemode: false, metadata: input.metadata, name: input.name, next_invoice_sequence: 1,
    object: 'customer', phone: null, preferred_locales: [], shipping: null, tax_exempt: 'none', test_clock: null,
  };
}
