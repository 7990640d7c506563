import type { JsonObject } from './types';

/** A Stripe API error answer: thrown by handlers, rendered as `{error: body}` with `status`. */
export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: JsonObject,
  ) {
    super(typeof body['message'] === 'string' ? body['message'] : String(body['type']));
  }
}

export function invalidRequest(message: string, param?: string, code?: string): StripeApiError {
  const body: JsonObject = { type: 'invalid_request_error', message };
  if (param !== undefined) body['param'] = param;
  if (code !== undefined) body['code'] = code;
  return new StripeApiError(400, body);
}

export function missingParam(param: string): StripeApiError {
  return invalidRequest(`Missing required param: ${param}.`, param, 'parameter_missing');
}

/** Unknown id passed as a parameter of a request (Stripe answers 400, not 404). */
export function noSuchParam(kind: string, id: string, param: string): StripeApiError {
  return invalidRequest(`No such ${kind}: '${id}'`, param, 'resource_missing');
}

/** Unknown id in the URL path. */
export function notFound(kind: string, id: string): StripeApiError {
  const body: JsonObject = { type: 'invalid_request_error', code: 'resource_missing', param: 'id',
    message: `No such ${kind}: '${id}'` };
  return new StripeApiError(404, body);
}

export function unrecognizedUrl(method: string, path: string): StripeApiError {
  return new StripeApiError(404, { type: 'invalid_request_error',
    message: `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.` });
}
