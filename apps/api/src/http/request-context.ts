import type { Actor } from '@escrow/domain';
import { newId } from '@escrow/runtime';
import type { IncomingMessage } from 'node:http';
import type { AuthenticatedRequest } from '../auth/auth.guard';

export interface RequestContext {
  readonly actor: Actor;
  readonly correlationId: string;
}

/** Sent by a client to tie its request to its own trace; answered on every response. */
export const correlationIdHeader = 'X-Correlation-Id';
const correlationIdLengthMax = 128;

/** Who asked, and the correlation id that ties the events of one user action together. */
export function requestContext(actor: Actor, request: AuthenticatedRequest): RequestContext {
  // The id request logging gave the request (http/request-logging.ts), so its log lines and its events share it.
  const correlationId = typeof request.id === 'string' ? request.id : correlationIdOf(request);
  return { actor, correlationId };
}

/** The client's X-Correlation-Id when it sent one of a sane length, otherwise a new id. */
export function correlationIdOf(request: IncomingMessage): string {
  const header = request.headers['x-correlation-id'];
  return typeof header === 'string' && header.length > 0 && header.length <= correlationIdLengthMax ? header : newId();
}
