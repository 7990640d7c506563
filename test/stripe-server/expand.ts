import type { StripeState } from './state';
import type { Json } from './types';

const expandDepthMax = 4;

function expandPath(state: StripeState, target: Json, segments: string[]): Json {
  if (Array.isArray(target)) return target.map((item) => expandPath(state, item, segments));
  if (target === null || typeof target !== 'object') return target;
  const [key, ...rest] = segments;
  if (key === undefined || !(key in target)) return target;
  let value = target[key] ?? null;
  if (typeof value === 'string') value = structuredClone(state.findById(value) ?? value);
  target[key] = rest.length === 0 ? value : expandPath(state, value, rest);
  return target;
}

/** Applies Stripe's `expand[]=a.b` to a response body (a copy: stored objects keep their ids). */
export function expand(state: StripeState, body: Json, paths: string[]): Json {
  let expanded = structuredClone(body);
  for (const path of paths) {
    const segments = path.split('.');
    if (segments.length <= expandDepthMax) expanded = expandPath(state, expanded, segments);
  }
  return expanded;
}
