import { ArgumentsHost, Catch, HttpException, HttpStatus, Logger, type ExceptionFilter } from '@nestjs/common';
import { DomainError, InvariantViolation, type DomainErrorKind } from '@escrow/domain';
import { IdempotencyConflict, InvalidPosition, WrongExpectedVersion } from '@escrow/event-store';
import { PaymentGatewayError, PaymentProviderRefused, PaymentRequestRejected } from '@escrow/payments';
import type { Response } from 'express';

const statusByKind: Record<DomainErrorKind, number> = {
  not_found: HttpStatus.NOT_FOUND,
  conflict: HttpStatus.CONFLICT,
  forbidden: HttpStatus.FORBIDDEN,
  unprocessable: HttpStatus.UNPROCESSABLE_ENTITY,
  invalid: HttpStatus.BAD_REQUEST,
};

export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code?: string;
}

/** Every error leaves as {statusCode, error, message}; the message names the field or status. */
export function errorBody(exception: unknown): ErrorBody {
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
    if (status === 400 && isJsonSyntaxError(exception)) {
      return { statusCode: 400, error: reason(400), message: `body: not valid JSON (${String(message)})` };
    }
    return { statusCode: status, error: reason(status), message: Array.isArray(message) ? message.join('; ') : String(message ?? exception.message) };
  }
  if (exception instanceof DomainError) {
    const status = statusByKind[exception.kind];
    return { statusCode: status, error: reason(status), message: exception.message, code: exception.code };
  }
  if (exception instanceof WrongExpectedVersion) {
    return { statusCode: 409, error: reason(409), message: 'the contract changed concurrently; retry the request', code: 'concurrent_update' };
  }
  if (exception instanceof IdempotencyConflict) return { statusCode: 409, error: reason(409), message: exception.message };
  if (exception instanceof PaymentRequestRejected) {
    return { statusCode: 400, error: reason(400), message: `${exception.field}: ${exception.message}` };
  }
  // The provider refused our request as made: our integration error (logged where it happened), not the caller's.
  if (exception instanceof PaymentProviderRefused) {
    return { statusCode: 502, error: 'Bad Gateway', message: `the payment provider refused our request: ${exception.message}`, code: 'payment_provider_refused' };
  }
  if (exception instanceof InvalidPosition) return { statusCode: 400, error: reason(400), message: `minPosition: ${exception.message}` };
  if (exception instanceof PaymentGatewayError && exception.retryable) {
    return { statusCode: 503, error: reason(503), message: 'the payment provider is unavailable; retry with the same Idempotency-Key' };
  }
  return { statusCode: 500, error: reason(500), message: 'internal error' };
}

/** The body parser's failure: the request body was not JSON at all. */
function isJsonSyntaxError(exception: HttpException): boolean {
  const cause = exception.cause as { type?: unknown } | undefined;
  if (cause instanceof SyntaxError || cause?.type === 'entity.parse.failed') return true;
  // Some versions pass only the parser's message along.
  return !exception.message.startsWith('body:') && /JSON/.test(exception.message);
}

function reason(status: number): string {
  const names: Record<number, string> = {
    400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 413: 'Payload Too Large',
    415: 'Unsupported Media Type', 422: 'Unprocessable Entity', 500: 'Internal Server Error', 503: 'Service Unavailable', 504: 'Gateway Timeout',
  };
  return names[status] ?? 'Error';
}

/** For middleware that answers before Nest's filters run: the same error shape. */
export function sendError(response: Response, status: number, message: string): void {
  const body: ErrorBody = { statusCode: status, error: reason(status), message };
  response.status(status).json(body);
}

@Catch()
export class ErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const body = errorBody(exception);
    if (body.statusCode >= 500) this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    if (exception instanceof InvariantViolation) this.logger.error(`BUG: ${exception.message}`);
    host.switchToHttp().getResponse<Response>().status(body.statusCode).json(body);
  }
}
