import type { JsonObject, StripeEvent } from '../types';

export function buildEvent(input: { id: string; created: number; apiVersion: string; type: string;
  object: JsonObject; previousAttributes: JsonObject | null; pendingWebhooks: number;
  request: { id: string | null; idempotency_key: string | null } }): StripeEvent {
  const data: StripeEvent['data'] = { object: input.object };
  if (input.previousAttributes !== null) data.previous_attributes = input.previousAttributes;
  return {
    id: input.id, object: 'event', api_version: input.apiVersion, created: input.created, data, livemode: false,
    pending_webhooks: input.pendingWebhooks, request: input.request, type: input.type,
  };
}
