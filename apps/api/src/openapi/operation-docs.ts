import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiParam, ApiQuery, ApiResponse } from '@nestjs/swagger';
import { ApiAuthErrors, ApiErrors } from '../http/error.responses';
import { bearerSchemeName } from './openapi';

/** A controller behind the party token: the bearer scheme, and its 400 (bad id, query or body), 401 and 403. */
export const ApiPartyToken = () => applyDecorators(ApiBearerAuth(bearerSchemeName), ApiAuthErrors(), ApiErrors(400));

/** POST and DELETE take an Idempotency-Key (idempotency.interceptor.ts): a retry gets the first answer. */
export const ApiIdempotencyKey = () =>
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Makes a retry safe: the same key with the same input gets the first answer; with other input, a 409.',
    schema: { type: 'string', maxLength: 255 },
  });

/** A path id: `PathId` refuses anything else with a 400. */
export const ApiPathId = (name: string, description?: string) =>
  ApiParam({ name, description, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$' } });

/** Read-your-writes: waits until the read model has applied the write at this position. */
export const ApiMinPosition = () =>
  ApiQuery({ name: 'minPosition', required: false, type: String, description: 'The `position` a write answered; the read waits until the view has applied it (503 if it does not in time).' });

/** A download: the body is the file itself, in `contentType`. */
export function ApiFile(contentType: string, description: string) {
  // Not ApiProduces: it would relabel the route's JSON error responses as `contentType` too.
  return ApiResponse({ status: 200, description, content: { [contentType]: { schema: { type: 'string', contentMediaType: contentType } } } });
}
