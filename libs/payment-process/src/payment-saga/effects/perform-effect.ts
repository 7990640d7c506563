import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  PaymentGatewayError,
  PaymentProviderRefused,
  PaymentRequestRejected,
  describeProviderRefusal,
  type ChargeOutcome,
  type ChargeRequest,
  type PaymentGateway,
  type RefundOutcome,
  type RefundRequest,
  type TransferOutcome,
  type TransferRequest,
} from '@escrow/payments';
import type { ContractCommand } from '@escrow/domain';
import { backoffMs } from '@escrow/retry';
import { APP_CONFIG, CommandHandling, PAYMENT_GATEWAY, type AppConfig } from '@escrow/runtime';
import { SAGA_FAULTS, type SagaFaults } from '../saga-faults';
import { SagaOutcomes, fundingOutcome, payoutFailed, sagaActor, type OutcomeCause } from '../saga-outcomes';
import type { Effect } from './effect-store';

/** Attempts of one effect under its key before the saga gives up and tells a person. */
export const effectAttemptsMax = 8;
export const effectRetryCapMs = 30_000;
/** Stripe keeps idempotency keys for 24 hours; past this age a retry looks the object up first. */
export const idempotencyKeyMemoryMs = 23 * 60 * 60_000;

/** What became of one attempt: done, try again later, or given up (dead, for support). */
export type EffectResult =
  | { readonly kind: 'done'; readonly outcome: unknown }
  | { readonly kind: 'retry'; readonly error: string; readonly delayMs: number }
  | { readonly kind: 'dead'; readonly error: string };

/**
 * Carries out one persisted effect: the provider call under the effect's key (or, when the key
 * may be forgotten, a lookup first), then the outcome event. Unknown outcomes are retried with
 * backoff and jitter; after `effectAttemptsMax`, or on a terminal error, the failure is recorded
 * where the domain has an event for it and the effect is left dead, listed as stuck. A request
 * the provider refused as made is an integration error: dead, with no business failure recorded.
 */
@Injectable()
export class PerformEffect {
  private readonly logger = new Logger('PaymentEffects');

  constructor(
    @Inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SAGA_FAULTS) private readonly faults: SagaFaults,
    private readonly commands: CommandHandling,
    private readonly outcomes: SagaOutcomes,
  ) {}

  async perform(effect: Effect, now: Date = new Date()): Promise<EffectResult> {
    try {
      switch (effect.kind) {
        case 'charge':
          return await this.charge(effect, now);
        case 'transfer':
          return await this.transfer(effect, now);
        case 'refund':
          return await this.refund(effect, now);
      }
    } catch (error) {
      if (error instanceof PaymentProviderRefused || error instanceof PaymentRequestRejected) return this.integrationError(effect, error);
      if (!(error instanceof PaymentGatewayError)) throw error;
      const attempts = effect.attempts + 1;
      if (error.retryable && attempts < effectAttemptsMax) {
        const delayMs = backoffMs({ baseMs: this.config.paymentRetryBaseMs, capMs: effectRetryCapMs, jitter: 'proportional' }, attempts);
        this.logger.warn({ msg: `${effect.kind} ${effect.key} for milestone ${effect.milestoneId}: attempt ${attempts} failed, again in ${delayMs} ms: ${error.message}`, ...logFieldsOf(effect) });
        return { kind: 'retry', error: error.message, delayMs };
      }
      const why = error.retryable ? `gave up after ${attempts} attempts: ${error.message}` : error.message;
      this.logger.error({ msg: `${effect.kind} ${effect.key} for milestone ${effect.milestoneId}: ${why}`, ...logFieldsOf(effect) });
      return this.giveUp(effect, why);
    }
  }

  private async charge(effect: Effect, now: Date): Promise<EffectResult> {
    const request = { ...(effect.request as Omit<ChargeRequest, 'idempotencyKey'>), idempotencyKey: effect.key };
    const outcome: ChargeOutcome =
      (keyMayBeForgotten(effect, now) ? await this.gateway.findCharge(request) : null) ?? (await this.gateway.charge(request));
    this.faults.maybeCrash('after_gateway_call', effect.causeEventType);
    const command = fundingOutcome(effect.contractId, effect.milestoneId, request.amountCents, outcome);
    // A pending outcome and the final one are two events: each keeps its own deterministic id.
    const name = outcome.status === 'pending' ? 'funding-pending' : 'funding-outcome';
    await this.outcomes.record(causeOf(effect), effect.contractId, command, `${effect.causeEventId}/${name}`);
    this.faults.maybeCrash('after_outcome_append', effect.causeEventType);
    return { kind: 'done', outcome };
  }

  private async transfer(effect: Effect, now: Date): Promise<EffectResult> {
    const { attempt, ...unkeyed } = effect.request as Omit<TransferRequest, 'idempotencyKey'> & { attempt: number };
    const request: TransferRequest = { ...unkeyed, idempotencyKey: effect.key };
    if (!(await this.stillApproved(effect))) return { kind: 'done', outcome: { skipped: 'the milestone is no longer approved' } };
    // A later attempt, or a forgotten key: an earlier attempt's transfer may exist; never pay twice.
    const earlier = attempt > 1 || keyMayBeForgotten(effect, now) ? await this.gateway.findTransfer(request) : null;
    const outcome: TransferOutcome = earlier ?? (await this.gateway.transfer(request));
    this.faults.maybeCrash('after_gateway_call', effect.causeEventType);
    await this.recordTransfer(effect, request, attempt, outcome);
    this.faults.maybeCrash('after_outcome_append', effect.causeEventType);
    return { kind: 'done', outcome };
  }

  private async recordTransfer(effect: Effect, request: TransferRequest, attempt: number, outcome: TransferOutcome): Promise<void> {
    const { contractId, milestoneId } = effect;
    if (outcome.status === 'failed') {
      await this.outcomes.record(causeOf(effect), contractId, payoutFailed(contractId, milestoneId, outcome.reason), `${effect.causeEventId}/payout-failed/${attempt}`);
      return;
    }
    const command: ContractCommand = {
      type: 'RecordPayoutCompleted',
      actor: sagaActor,
      data: { contractId, milestoneId, transferId: outcome.transferId, destinationAccountId: request.destinationAccountId, amountCents: request.amountCents },
    };
    await this.outcomes.record(causeOf(effect), contractId, command, `${effect.causeEventId}/payout-completed`);
  }

  private async refund(effect: Effect, now: Date): Promise<EffectResult> {
    const request: RefundRequest = { ...(effect.request as Omit<RefundRequest, 'idempotencyKey'>), idempotencyKey: effect.key };
    const outcome: RefundOutcome = (keyMayBeForgotten(effect, now) ? await this.gateway.findRefund(request) : null) ?? (await this.gateway.refund(request));
    this.faults.maybeCrash('after_gateway_call', effect.causeEventType);
    if (outcome.status === 'failed') {
      // Nothing moved; the provider refused (the charge was refunded elsewhere, say): a person decides.
      return { kind: 'dead', error: `the provider refused the refund: ${outcome.reason}` };
    }
    const command: ContractCommand = {
      type: 'RecordRefunded',
      actor: sagaActor,
      data: { contractId: effect.contractId, milestoneId: effect.milestoneId, refundId: outcome.refundId, amountCents: request.amountCents },
    };
    await this.outcomes.record(causeOf(effect), effect.contractId, command, `${effect.causeEventId}/refund-completed`);
    this.faults.maybeCrash('after_outcome_append', effect.causeEventType);
    return { kind: 'done', outcome };
  }

  /**
   * Given up: before saying that a charge or a transfer failed, look for it once more (the
   * outcome was unknown, so it may have happened); then record the failure the domain has an
   * event for. A refund has none: its milestone keeps the refund pending until support retries.
   */
  private async giveUp(effect: Effect, why: string): Promise<EffectResult> {
    try {
      if (effect.kind === 'charge') {
        const request = { ...(effect.request as Omit<ChargeRequest, 'idempotencyKey'>), idempotencyKey: effect.key };
        const found = await this.gateway.findCharge(request);
        const outcome: ChargeOutcome = found ?? { status: 'declined', paymentIntentId: null, reason: `payment provider: ${why}`, declineCode: null };
        await this.outcomes.record(causeOf(effect), effect.contractId, fundingOutcome(effect.contractId, effect.milestoneId, request.amountCents, outcome), `${effect.causeEventId}/funding-outcome`);
        if (found) return { kind: 'done', outcome: found };
      }
      if (effect.kind === 'transfer') {
        const { attempt, ...unkeyed } = effect.request as Omit<TransferRequest, 'idempotencyKey'> & { attempt: number };
        const request: TransferRequest = { ...unkeyed, idempotencyKey: effect.key };
        const found = await this.gateway.findTransfer(request);
        await this.recordTransfer(effect, request, attempt, found ?? { status: 'failed', reason: `payment provider: ${why}` });
        if (found) return { kind: 'done', outcome: found };
      }
    } catch (error) {
      // The provider is still out of reach: the effect stays dead with the first reason; support retries.
      if (!(error instanceof PaymentGatewayError)) throw error;
    }
    return { kind: 'dead', error: why };
  }

  /**
   * The provider refused our request as made (a parameter it does not know, a customer or payment
   * method of ours it does not have, refused credentials). Neither the employer's card nor the
   * trainer is to blame, so no failure event says so; and retrying cannot help until we fix the
   * cause. The effect is left dead with the provider's words, for support to retry once fixed.
   */
  private integrationError(effect: Effect, error: PaymentProviderRefused | PaymentRequestRejected): EffectResult {
    const why = `integration error: ${describeProviderRefusal(error)}`;
    this.logger.error({ msg: `${why} [${effect.kind} ${effect.key}, contract ${effect.contractId}, milestone ${effect.milestoneId}]`, ...logFieldsOf(effect) });
    return { kind: 'dead', error: why };
  }

  private async stillApproved(effect: Effect): Promise<boolean> {
    const { state } = await this.commands.loadContract(effect.contractId);
    return state.status !== 'none' && state.milestones[effect.milestoneId]?.status === 'approved';
  }
}

function keyMayBeForgotten(effect: Effect, now: Date): boolean {
  return effect.firstAttemptedAt !== null && now.getTime() - Date.parse(effect.firstAttemptedAt) > idempotencyKeyMemoryMs;
}

function causeOf(effect: Effect): OutcomeCause {
  return { eventId: effect.causeEventId, eventType: effect.causeEventType, correlationId: effect.correlationId };
}

/** On an effect's log lines: the ids that find the request and the events it came from. */
function logFieldsOf(effect: Effect) {
  return { correlationId: effect.correlationId, causeEventId: effect.causeEventId, contractId: effect.contractId, milestoneId: effect.milestoneId };
}
