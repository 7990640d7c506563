import type { Caller } from './api-request';
import type { Params } from './form';
import { routeParams, type RouteName } from './route-params';
import type { StripeState } from './state';
import type { JsonObject } from './types';
import type { ParamFields } from './params';

export interface ServerSettings {
  processingSettleMs: number | null;
  /** Runs `task` after `ms`; the server cancels pending tasks on close. */
  schedule(ms: number, task: () => void): void;
}

export interface RouteContext {
  state: StripeState;
  /** The request's parameters, already checked against the route's entry in `routeParams`. */
  params: Params;
  /** The `:name` segments of the route, in order, e.g. the id in `GET /v1/charges/:id`. */
  pathParams: string[];
  settings: ServerSettings;
  caller: Caller;
}

export interface RouteResult {
  status: number;
  body: JsonObject;
}

export interface Route {
  /** Method and path template, e.g. `GET /v1/charges/:id`; also its key in the parameter table. */
  route: RouteName;
  /** Open to a publishable key (Stripe.js in a browser); every other route needs the secret key. */
  publishable?: true;
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

export function routeMethod(route: Route): string {
  return route.route.slice(0, route.route.indexOf(' '));
}

export function routeTemplate(route: Route): string {
  return route.route.slice(route.route.indexOf(' ') + 1);
}

/** The parameters `route` accepts. */
export function routeParamTable(route: Route): ParamFields {
  return routeParams[route.route];
}

const patterns = new Map<string, RegExp>();

function patternOf(route: Route): RegExp {
  let pattern = patterns.get(route.route);
  if (pattern === undefined) {
    const source = routeTemplate(route).split('/')
      .map((segment) => (segment.startsWith(':') ? '([^/]+)' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/');
    pattern = new RegExp(`^${source}$`);
    patterns.set(route.route, pattern);
  }
  return pattern;
}

/** The first route (in table order) whose method and template match. */
export function matchRoute(routes: readonly Route[], method: string, path: string):
  { route: Route; pathParams: string[] } | null {
  for (const route of routes) {
    if (routeMethod(route) !== method) continue;
    const match = patternOf(route).exec(path);
    if (match !== null) return { route, pathParams: match.slice(1).map((capture) => capture ?? '') };
  }
  return null;
}
