import type { Actor } from '@escrow/domain';
import { newId } from '@escrow/runtime';
import type { AuthenticatedRequest } from '../auth/auth.guard';

export interface RequestContext {
  readonly actor: Actor;
  readonly correlationId: string;
}

const correlationIdLengthMax = 128;

/** Who asked, and the correlation id that ties the events of one user action together. */
export function requestContext(actor: Actor, request: AuthenticatedRequest): RequestContext {
  const header = request.header('x-correlation-id');
  const correlationId = header && header.length <= correlationIdLengthMax ? header : newId();
  return { actor, correlationId };
}
