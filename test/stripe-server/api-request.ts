import { apiVersionError } from './api-versions';
import { StripeApiError, unrecognizedUrl } from './errors';
import { expand } from './expand';
import { Params, parseForm, type FormObject } from './form';
import { requestFingerprint, type IdempotencyKeys } from './idempotency';
import { validateParams } from './params';
import { matchRoute, routeParamTable, type Route, type ServerSettings } from './router';
import type { StripeState } from './state';
import type { JsonObject } from './types';

export interface ApiRequest {
  requestId: string;
  method: string;
  path: string;
  query: string;
  rawBody: string;
  authorization: string | null;
  idempotencyKey: string | null;
  /** The `Stripe-Version` header, if sent. */
  apiVersion: string | null;
}

export interface ApiAnswer {
  status: number;
  body: string;
  headers: Record<string, string>;
  /** Set when this request claimed a new idempotency key; the caller completes it once answered. */
  claimedKey: string | null;
}

export interface ApiDependencies {
  state: StripeState;
  routes: readonly Route[];
  settings: ServerSettings;
  keys: IdempotencyKeys;
  acceptsApiKey(key: string): boolean;
}

/**
 * Who is calling: the server with its secret key, or a browser (Stripe.js) with a publishable key,
 * which may only touch an intent it holds the client secret of. Stripe.js sends that secret as a
 * `client_secret` parameter the server SDK never sends: it is taken apart here, not in the table.
 */
export type Caller = { kind: 'secret' } | { kind: 'publishable'; clientSecret: string | null };

function errorAnswer(status: number, error: JsonObject, headers: Record<string, string> = {}): ApiAnswer {
  return { status, body: JSON.stringify({ error }, null, 2), headers, claimedKey: null };
}

function maskedKey(key: string): string {
  return key.length <= 8 ? key : `${key.slice(0, 8)}${'*'.repeat(Math.max(0, key.length - 12))}${key.slice(-4)}`;
}

function callerOf(authorization: string | null, deps: ApiDependencies): { kind: 'secret' | 'publishable' } | ApiAnswer {
  const key = authorization?.startsWith('Bearer ') ? authorization.slice('Bearer '.length).trim() : null;
  if (key === null || key === '') {
    return errorAnswer(401, { type: 'invalid_request_error',
      message: 'You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. \'Authorization: Bearer YOUR_SECRET_KEY\').' });
  }
  if (deps.acceptsApiKey(key)) return { kind: 'secret' };
  if (key.startsWith('pk_test_')) return { kind: 'publishable' };
  return errorAnswer(401, { type: 'invalid_request_error', message: `Invalid API Key provided: ${maskedKey(key)}` });
}

/** A publishable key reaches only the routes Stripe.js uses; its client secret leaves the parameters. */
function browserCaller(matched: Matched, params: FormObject): Caller | ApiAnswer {
  if (matched.route.publishable !== true) {
    return errorAnswer(401, { type: 'invalid_request_error',
      message: 'This API call cannot be made with a publishable API key. Please use a secret API key.' });
  }
  const clientSecret = params['client_secret'];
  delete params['client_secret'];
  return { kind: 'publishable', clientSecret: typeof clientSecret === 'string' ? clientSecret : null };
}

function idempotencyError(request: ApiRequest, params: FormObject, deps: ApiDependencies): ApiAnswer | null {
  const key = request.idempotencyKey;
  if (key === null) return null;
  const claim = deps.keys.claim(key, requestFingerprint(request.method, request.path, params));
  switch (claim.kind) {
    case 'new':
      return null;
    case 'replay':
      return { status: claim.response.status, body: claim.response.body, claimedKey: null,
        headers: { 'Idempotent-Replayed': 'true', 'Original-Request': claim.response.requestId } };
    case 'mismatch':
      return errorAnswer(400, { type: 'idempotency_error',
        message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.` });
    case 'in_flight':
      return errorAnswer(409, { type: 'idempotency_error', code: 'idempotency_key_in_use',
        message: 'There is currently another in-progress request using this Idempotent Key (that probably means you submitted twice, and the other request is still going through): ' + key + '. Please try again later.' });
    default: {
      const exhaustive: never = claim;
      return exhaustive;
    }
  }
}

type Matched = NonNullable<ReturnType<typeof matchRoute>>;

function run(request: ApiRequest, matched: Matched, params: Params, caller: Caller, deps: ApiDependencies): { status: number; body: JsonObject } {
  deps.state.currentRequest = { id: request.requestId, idempotency_key: request.idempotencyKey };
  try {
    return matched.route.handle({ state: deps.state, params, pathParams: matched.pathParams, settings: deps.settings, caller });
  } finally {
    deps.state.currentRequest = null;
  }
}

/**
 * What Stripe refuses before any endpoint runs: an unknown API version, an unknown URL, parameters its
 * table for the route does not allow. Like Stripe, such refusals do not claim the idempotency key.
 */
function refusedBeforeRunning(request: ApiRequest, params: FormObject, deps: ApiDependencies): ApiAnswer | Matched {
  const refusal = (error: StripeApiError): ApiAnswer => errorAnswer(error.status, error.body);
  const badVersion = apiVersionError(request.apiVersion);
  if (badVersion !== null) return refusal(badVersion);
  const matched = matchRoute(deps.routes, request.method, request.path);
  if (matched === null) return refusal(unrecognizedUrl(request.method, request.path));
  try {
    validateParams(routeParamTable(matched.route), params);
  } catch (error) {
    if (error instanceof StripeApiError) return refusal(error);
    throw error;
  }
  return matched;
}

/** Auth, version, parameter checks, idempotency, routing and expansion of one Stripe API request. */
export function answerApiRequest(request: ApiRequest, deps: ApiDependencies): ApiAnswer {
  const key = callerOf(request.authorization, deps);
  if ('status' in key) return key;
  const params = { ...parseForm(request.query), ...(request.method === 'POST' ? parseForm(request.rawBody) : {}) };
  const route = matchRoute(deps.routes, request.method, request.path);
  const caller = key.kind === 'publishable' && route !== null ? browserCaller(route, params) : { kind: 'secret' as const };
  if ('status' in caller) return caller;
  const matched = refusedBeforeRunning(request, params, deps);
  if ('status' in matched) return matched;
  const idempotent = idempotencyError(request, params, deps);
  if (idempotent !== null) return idempotent;
  const claimedKey = request.idempotencyKey;
  try {
    const wrapped = new Params(params, routeParamTable(matched.route));
    const result = run(request, matched, wrapped, caller, deps);
    const body = result.status === 200 ? expand(deps.state, result.body, wrapped.stringArray('expand')) : result.body;
    const payload = result.status === 200 ? body : { error: body };
    return { status: result.status, body: JSON.stringify(payload, null, 2), headers: {}, claimedKey };
  } catch (error) {
    if (error instanceof StripeApiError) return { ...errorAnswer(error.status, error.body), claimedKey };
    const message = error instanceof Error ? error.message : String(error);
    return { ...errorAnswer(500, { type: 'api_error', message: `Test server bug: ${message}` }), claimedKey };
  }
}
