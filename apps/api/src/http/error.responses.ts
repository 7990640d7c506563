import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse, getSchemaPath } from '@nestjs/swagger';

/** The one error shape every route answers with (`errorBody` in domain-errors.filter.ts), as documented. */
export class ErrorResponse {
  @ApiProperty({ description: 'The HTTP status, repeated in the body.', example: 404 })
  statusCode!: number;

  @ApiProperty({ description: "The status's reason phrase.", example: 'Not Found' })
  error!: string;

  @ApiProperty({ description: 'What went wrong, naming the field or the status that refused the request.', example: 'contract c_1 does not exist' })
  message!: string;

  @ApiPropertyOptional({ description: 'A stable machine-readable reason, on domain refusals.', example: 'contract_not_found' })
  code?: string;
}

const errorDescriptions: Record<number, string> = {
  400: 'The request is malformed: an unknown or invalid field, parameter or path id (the message names it).',
  401: 'No bearer token, or one that is invalid or expired.',
  403: "The token's role or party may not do this.",
  404: 'No such resource, or one the caller may not see.',
  409: 'The resource is not in a state that allows this, it changed concurrently, or the Idempotency-Key was used with other input.',
  413: 'The body is larger than allowed.',
  415: 'The body is not application/json.',
  422: 'Well-formed, but the business rules refuse it (the code says which).',
  502: 'The payment provider refused our request.',
  503: 'A dependency (the payment provider, the read models) is unavailable; retry.',
};

/** Documents the listed statuses as answered with `ErrorResponse`, referenced from components (openapi.ts registers it). */
export function ApiErrors(...statuses: number[]) {
  // Content given explicitly: a route's ApiProduces (a PDF, a CSV) must not relabel its JSON errors.
  const content = { 'application/json': { schema: { $ref: getSchemaPath(ErrorResponse) } } };
  return applyDecorators(...statuses.map((status) => ApiResponse({ status, description: errorDescriptions[status] ?? 'Error.', content })));
}

/** Every route behind the bearer token can answer these. */
export const ApiAuthErrors = () => ApiErrors(401, 403);
