import {
  BadRequestException,
  CallHandler,
  ConflictException,
  ExecutionContext,
  Inject,
  Injectable,
  Logger,
  NestInterceptor,
  Optional,
  UnprocessableEntityException,
} from '@nestjs/common';
import { createHash } from 'node:crypto';
import { WrongExpectedVersion } from '@escrow/event-store';
import { withRequestIdentity } from '@escrow/runtime';
import type { Response } from 'express';
import { Observable, from, lastValueFrom } from 'rxjs';
import type { AuthenticatedRequest } from '../auth/auth.guard';
import { errorBody, type ErrorBody } from '../http/domain-errors.filter';
import { IdempotencyStore, type ClaimOwner } from './idempotency.store';

export const idempotencyKeyLengthMax = 255;
/** A second request with the same key waits this long for the first one's answer (or its lease to run out). */
export const inProgressWaitMs = 10_000;
const inProgressPollMs = 50;
/** The methods that change something: GET needs no key. */
const commandMethods = new Set(['POST', 'DELETE']);
/** Errors a retry may not get again: never replayed, the key is released for the retry. */
const transientStatuses = new Set([408, 425, 429]);

export interface IdempotencyWaitOptions {
  readonly inProgressWaitMs: number;
  readonly pollMs: number;
}

/** Optional provider: shorter waits for tests. */
export const IDEMPOTENCY_WAIT_OPTIONS = Symbol('IDEMPOTENCY_WAIT_OPTIONS');

/**
 * `Idempotency-Key` on commands: same key and same request → the first final response again
 * (status included, errors too); same key, other request → 422. Keys are per caller. A claim
 * holds for a lease the running request renews; a retry finding the lease run out (the process
 * died) runs the request again, which is safe: its events get ids derived from the caller, key
 * and request (`withRequestIdentity`), so whatever the dead run appended is found in the stream
 * and not appended twice.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly wait: IdempotencyWaitOptions;
  private readonly logger = new Logger('Idempotency');

  constructor(
    private readonly store: IdempotencyStore,
    @Optional() @Inject(IDEMPOTENCY_WAIT_OPTIONS) wait?: Partial<IdempotencyWaitOptions>,
  ) {
    this.wait = { inProgressWaitMs, pollMs: inProgressPollMs, ...wait };
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const key = request.header('idempotency-key');
    if (key === undefined || !commandMethods.has(request.method)) return next.handle();
    return from(this.run(context, request, key, next));
  }

  private async run(context: ExecutionContext, request: AuthenticatedRequest, key: string, next: CallHandler): Promise<unknown> {
    if (key.length === 0 || key.length > idempotencyKeyLengthMax) {
      throw new BadRequestException(`Idempotency-Key: must be 1 to ${idempotencyKeyLengthMax} characters`);
    }
    const response = context.switchToHttp().getResponse<Response>();
    const scope = request.actor ? `${request.actor.role}:${request.actor.id}` : 'anonymous';
    const hash = IdempotencyStore.requestHash(request.method, request.path, request.body);
    const claim = await this.claimWaiting(scope, key, hash, response);
    if (claim.outcome === 'replay') {
      response.status(claim.status).setHeader('Idempotent-Replayed', 'true');
      return claim.body;
    }
    // Worth knowing: the request it replaces died (or stalled) mid-way.
    if (claim.takenOver) this.logger.warn(`${scope}: took over the claim on an Idempotency-Key whose lease ran out; running the request again`);
    const seed = createHash('sha256').update(`${scope}\n${key}\n${hash}`).digest('hex');
    return this.execute(claim.owner, seed, response, next);
  }

  /** Runs the request under its claim, renewing the lease meanwhile; stores the answer if final. */
  private async execute(owner: ClaimOwner, seed: string, response: Response, next: CallHandler): Promise<unknown> {
    const renewal = this.keepClaimed(owner);
    try {
      const body = await withRequestIdentity(seed, () => lastValueFrom(next.handle(), { defaultValue: undefined }));
      await this.store.complete(owner, response.statusCode, body);
      return body;
    } catch (error) {
      const failure = errorBody(error);
      if (isFinal(failure, error)) await this.store.complete(owner, failure.statusCode, failure);
      else await this.store.release(owner);
      throw error;
    } finally {
      clearInterval(renewal);
    }
  }

  /** Renews well before the lease runs out, so a slow request is not taken for a dead one. */
  private keepClaimed(owner: ClaimOwner): NodeJS.Timeout {
    const renewal = setInterval(() => void this.store.renew(owner).catch(() => undefined), this.store.leaseMs / 3);
    renewal.unref();
    return renewal;
  }

  private async claimWaiting(scope: string, key: string, hash: string, response: Response) {
    const deadline = Date.now() + this.wait.inProgressWaitMs;
    for (;;) {
      const claim = await this.store.claim(scope, key, hash);
      if (claim.outcome === 'mismatch') {
        throw new UnprocessableEntityException('Idempotency-Key: this key was already used with a different request');
      }
      if (claim.outcome !== 'in_progress') return claim;
      if (Date.now() > deadline) {
        // By then the first request has answered, or its lease has run out and a retry takes over.
        response.setHeader('Retry-After', String(Math.max(1, Math.ceil(claim.leaseLeftMs / 1000))));
        throw new ConflictException('Idempotency-Key: a request with this key is still in progress');
      }
      await new Promise((resolve) => setTimeout(resolve, this.wait.pollMs));
    }
  }
}

/**
 * Final: what a retry of the same request would be answered again (2xx, and 4xx such as a
 * validation error or a domain refusal). Not final: 5xx (503 and 504 included), the transient
 * 409 concurrent_update whose message asks for a retry, and 408/425/429.
 */
function isFinal(failure: ErrorBody, error: unknown): boolean {
  if (failure.statusCode >= 500 || transientStatuses.has(failure.statusCode)) return false;
  return !(error instanceof WrongExpectedVersion || failure.code === 'concurrent_update');
}
