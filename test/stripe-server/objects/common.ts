import type { Json, JsonObject } from '../types';

export const livemode = false;

export function emptyAddress(): JsonObject {
  return { city: null, country: null, line1: null, line2: null, postal_code: null, state: null };
}

export interface ListObject<T extends Json> extends JsonObject {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

export function listObject<T extends Json>(data: T[], url: string, hasMore = false): ListObject<T> {
  return { object: 'list', data, has_more: hasMore, url };
}
