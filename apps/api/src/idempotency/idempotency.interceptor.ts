import {
  BadRequestException,
  CallHandler,
  ConflictException,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  UnprocessableEntityException,
} from '@nestjs/common';
import type { Response } from 'express';
import { Observable, from, lastValueFrom } from 'rxjs';
import type { AuthenticatedRequest } from '../auth/auth.guard';
import { errorBody } from '../http/domain-errors.filter';
import { IdempotencyStore } from './idempotency.store';

export const idempotencyKeyLengthMax = 255;
/** A second request with the same key waits this long for the first one's answer. */
export const inProgressWaitMs = 10_000;
const inProgressPollMs = 50;

/**
 * `Idempotency-Key` on commands: same key and same request → the first response again (status
 * included, errors too); same key, other request → 422. Keys are per caller.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly store: IdempotencyStore) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const key = request.header('idempotency-key');
    if (key === undefined || request.method !== 'POST') return next.handle();
    return from(this.run(context, request, key, next));
  }

  private async run(context: ExecutionContext, request: AuthenticatedRequest, key: string, next: CallHandler): Promise<unknown> {
    if (key.length === 0 || key.length > idempotencyKeyLengthMax) {
      throw new BadRequestException(`Idempotency-Key: must be 1 to ${idempotencyKeyLengthMax} characters`);
    }
    const response = context.switchToHttp().getResponse<Response>();
    const scope = request.actor ? `${request.actor.role}:${request.actor.id}` : 'anonymous';
    const hash = IdempotencyStore.requestHash(request.method, request.path, request.body);
    const claim = await this.claimWaiting(scope, key, hash);
    if (claim.outcome === 'replay') {
      response.status(claim.status).setHeader('Idempotent-Replayed', 'true');
      return claim.body;
    }
    try {
      const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
      await this.store.complete(scope, key, response.statusCode, body);
      return body;
    } catch (error) {
      const failure = errorBody(error);
      if (failure.statusCode >= 500) await this.store.release(scope, key);
      else await this.store.complete(scope, key, failure.statusCode, failure);
      throw error;
    }
  }

  private async claimWaiting(scope: string, key: string, hash: string) {
    const deadline = Date.now() + inProgressWaitMs;
    for (;;) {
      const claim = await this.store.claim(scope, key, hash);
      if (claim.outcome === 'mismatch') {
        throw new UnprocessableEntityException('Idempotency-Key: this key was already used with a different request');
      }
      if (claim.outcome !== 'in_progress') return claim;
      if (Date.now() > deadline) throw new ConflictException('Idempotency-Key: a request with this key is still in progress');
      await new Promise((resolve) => setTimeout(resolve, inProgressPollMs));
    }
  }
}
