import { invalidRequest } from './errors';
import type { Params } from './form';
import type { Json, JsonObject } from './types';

const listLimitDefault = 10;

interface Created { created: number; id: string }

/** `created=<n>` or `created[gt|gte|lt|lte]=<n>`, as Stripe's list endpoints accept (the router checked the form). */
export function createdFilter(params: Params): (item: Created) => boolean {
  const exact = params.optInt('created');
  if (exact !== null) return (item) => item.created === exact;
  const range = params.object('created');
  const bound = (key: string): number | null => {
    const value = range[key];
    return typeof value === 'string' && value !== '' ? Number(value) : null;
  };
  const [gt, gte, lt, lte] = [bound('gt'), bound('gte'), bound('lt'), bound('lte')];
  return (item) => (gt === null || item.created > gt) && (gte === null || item.created >= gte)
    && (lt === null || item.created < lt) && (lte === null || item.created <= lte);
}

/**
 * A Stripe list page over `all` (oldest first, as stored): newest first, then `starting_after` /
 * `ending_before` cursors and `limit`.
 */
export function listPage<T extends Created & JsonObject>(all: Iterable<T>, params: Params, url: string,
  keep: (item: T) => boolean = () => true): JsonObject {
  const byCreated = createdFilter(params);
  const newestFirst = [...all].reverse().filter((item) => keep(item) && byCreated(item));
  const limit = params.optInt('limit') ?? listLimitDefault;
  const after = params.optString('starting_after');
  const before = params.optString('ending_before');
  let page: T[];
  let hasMore: boolean;
  if (before !== null) {
    const end = cursorIndex(newestFirst, before, 'ending_before');
    page = newestFirst.slice(Math.max(0, end - limit), end);
    hasMore = end - limit > 0;
  } else {
    const start = after === null ? 0 : cursorIndex(newestFirst, after, 'starting_after') + 1;
    page = newestFirst.slice(start, start + limit);
    hasMore = start + limit < newestFirst.length;
  }
  return { object: 'list', data: page as Json[], has_more: hasMore, url };
}

function cursorIndex(items: Created[], id: string, param: string): number {
  const index = items.findIndex((item) => item.id === id);
  if (index < 0) throw invalidRequest(`No such object: '${id}'`, param, 'resource_missing');
  return index;
}

/** Only keep items whose `field` equals the param of the same name, when that param is given. */
export function fieldEquals<T extends JsonObject>(params: Params, ...fields: string[]): (item: T) => boolean {
  const wanted = fields.map((field) => [field, params.optString(field)] as const).filter(([, value]) => value !== null);
  return (item) => wanted.every(([field, value]) => item[field] === value);
}
