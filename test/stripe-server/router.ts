import type { Params } from './form';
import type { StripeState } from './state';
import type { JsonObject } from './types';

export interface ServerSettings {
  processingSettleMs: number | null;
  /** Runs `task` after `ms`; the server cancels pending tasks on close. */
  schedule(ms: number, task: () => void): void;
}

export interface RouteContext {
  state: StripeState;
  params: Params;
  /** Captures of the route's pattern, e.g. the id in /v1/charges/:id. */
  pathParams: string[];
  settings: ServerSettings;
}

export interface RouteResult {
  status: number;
  body: JsonObject;
}

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  pattern: RegExp;
  handle(context: RouteContext): RouteResult;
}

export function ok(body: JsonObject): RouteResult {
  return { status: 200, body };
}

export function pathParam(context: RouteContext, index = 0): string {
  const value = context.pathParams[index];
  if (value === undefined) throw new Error(`route pattern has no capture ${index}`);
  return decodeURIComponent(value);
}

export function matchRoute(routes: readonly Route[], method: string, path: string):
  { route: Route; pathParams: string[] } | null {
  for (const route of routes) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (match !== null) return { route, pathParams: match.slice(1).map((capture) => capture ?? '') };
  }
  return null;
}
