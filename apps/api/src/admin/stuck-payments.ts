import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { conflict, notFound, unprocessable, type ProviderRefundFacts } from '@escrow/domain';
import { PaymentProcessAdmin, type AutoReleaseJobRecord, type Effect } from '@escrow/payment-process';
import { StripeWebhookInbox, type PaymentGateway, type ProviderRefund, type RefundRequest } from '@escrow/payments';
import { CLOCK, CommandHandling, PAYMENT_GATEWAY, SQL_DB, deterministicId, type Clock } from '@escrow/runtime';
import type { SqlDb } from '@escrow/sql';
import { providerCall } from '../billing/provider-call';
import type { RequestContext } from '../http/request-context';
import type { ResolveStuckDto } from './admin.dtos';
import { autoReleaseJobKeyOf, autoReleaseStuckId } from './stuck-id.pipe';

const listedMax = 500;

/**
 * Everything in the payment pipeline that waits for a person: effects the saga gave up on,
 * outcomes a contract refused (money may have moved), Stripe events that could not be applied,
 * and auto-release steps given up on (the milestone would wait for an approval forever). Effects
 * still being retried are listed too, so slow is visible before it is stuck.
 */
@Injectable()
export class StuckPayments {
  private readonly process: PaymentProcessAdmin;
  private readonly inbox: StripeWebhookInbox;

  constructor(
    @Inject(SQL_DB) db: SqlDb,
    private readonly commands: CommandHandling,
    @Inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.process = new PaymentProcessAdmin(db);
    this.inbox = new StripeWebhookInbox(db);
  }

  async list() {
    const [dead, retrying, refused, webhooks, autoReleaseSteps] = await Promise.all([
      this.process.deadEffects(listedMax),
      this.process.retryingEffects(listedMax),
      this.process.refusedOutcomes(),
      this.inbox.list({ status: 'failed', limit: listedMax }),
      this.process.givenUpAutoReleaseSteps(listedMax),
    ]);
    return {
      effects: dead.map(effectView),
      retrying: retrying.map(effectView),
      refusedOutcomes: refused,
      webhooks: webhooks.map((event) => ({
        id: event.id,
        type: event.type,
        attempts: event.attempts,
        error: event.error,
        receivedAt: event.receivedAt,
      })),
      autoReleaseSteps: autoReleaseSteps.map(autoReleaseStepView),
    };
  }

  /**
   * Support's retry: a dead effect runs again from its first attempt under the same key (so it
   * cannot move money twice), once the milestone still wants it; a failed Stripe event is due now;
   * so is an auto-release step given up on.
   */
  async retry(id: string) {
    const stepKey = autoReleaseJobKeyOf(id);
    if (stepKey !== null) return this.retryAutoReleaseStep(id, stepKey);
    const effect = await this.process.effect(id);
    if (effect) {
      if (effect.status !== 'dead') throw conflict('not_stuck', `${id} is ${effect.status}, not stuck`);
      await this.assertStillWanted(effect);
      await this.process.retryEffect(id);
      return { id, retried: 'effect' };
    }
    const event = await this.inbox.get(id);
    if (event) {
      if (event.status !== 'failed') throw conflict('not_stuck', `Stripe event ${id} is ${event.status}, not stuck`);
      await this.inbox.retryNow(id);
      return { id, retried: 'webhook' };
    }
    throw notFound('stuck_item_not_found', `nothing stuck has the id ${id}`);
  }

  /**
   * A refused outcome that support settled by hand leaves the list. A refund the saga gave up on
   * is settled by the refund made at the provider outside the ledger (`externalRefund`), which
   * the ledger then records: closing it without that would leave the milestone waiting forever.
   */
  async resolve(id: string, body: ResolveStuckDto, context: RequestContext) {
    const stepKey = autoReleaseJobKeyOf(id);
    if (stepKey !== null) return this.resolveAutoReleaseStep(id, stepKey, body, context);
    const effect = await this.process.effect(id);
    if (body.externalRefund) return this.settleByExternalRefund(id, effect, body.externalRefund.refundId, context);
    if (effect?.kind === 'refund' && effect.status === 'dead') {
      throw new BadRequestException('externalRefund: is required to resolve a refund given up on: name the refund made at the payment provider, or retry the refund');
    }
    if (!(await this.process.resolveRefusedOutcome(id))) throw notFound('stuck_item_not_found', `no open refused outcome has the id ${id}`);
    return { id, resolved: true };
  }

  /**
   * Gathers the facts — the dead refund effect, the refund as the provider reports it — and lets
   * the contract decide whether that refund is the money the resolution owes; if so it is
   * recorded as the refund event the saga would have appended (under a deterministic id, so a
   * repeat finds it), the effect closes, and the provider's notices about refunds of that charge
   * that were parked as "refunded outside the ledger" are checked again, now that the ledger has
   * it. A refusal writes nothing.
   */
  private async settleByExternalRefund(id: string, effect: Effect | null, refundId: string, context: RequestContext) {
    if (!effect) throw notFound('stuck_item_not_found', `no refund given up on has the id ${id}`);
    if (effect.kind !== 'refund') {
      throw unprocessable('external_refund_not_applicable', `externalRefund: settles only a refund given up on; ${id} is a ${effect.kind}`);
    }
    if (effect.status !== 'dead') throw conflict('not_stuck', `${id} is ${effect.status}, not stuck`);
    const found = await providerCall(`refund ${refundId} named to settle ${id}`, () => this.gateway.retrieveMovement('refund', refundId));
    const result = await this.commands.contract(
      effect.contractId,
      {
        type: 'RecordExternalRefund',
        actor: context.actor,
        data: { contractId: effect.contractId, milestoneId: effect.milestoneId, refundId, atProvider: found && refundFacts(found) },
      },
      {
        actor: context.actor,
        correlationId: effect.correlationId,
        causationId: effect.causeEventId,
        eventIds: [deterministicId(`${effect.causeEventId}/external-refund/${refundId}`)],
      },
    );
    await this.process.settleEffect(id, { settledBy: 'external_refund', refundId, actor: context.actor, requestCorrelationId: context.correlationId });
    const { chargeId } = effect.request as Omit<RefundRequest, 'idempotencyKey'>;
    const noticesRechecked = await this.recheckRefundNotices(chargeId);
    return { id, resolved: true, refundId, recorded: result.events.map((event) => event.type), position: result.position, noticesRechecked };
  }

  /**
   * Due now by the executor's clock, from the first attempt. Whether the milestone still waits is
   * left to the executor, which checks the log before it acts and closes a step whose wait is over.
   */
  private async retryAutoReleaseStep(id: string, key: string) {
    await this.assertGivenUp(id, key);
    if (!(await this.process.retryAutoReleaseStep(key, this.clock.now()))) throw conflict('not_stuck', `${id} is no longer given up on`);
    return { id, retried: 'auto_release_step' };
  }

  /** Closed without running it (support released or handled the milestone otherwise); who closed it is kept. */
  private async resolveAutoReleaseStep(id: string, key: string, body: ResolveStuckDto, context: RequestContext) {
    if (body.externalRefund) {
      throw unprocessable('external_refund_not_applicable', `externalRefund: settles only a refund given up on; ${id} is an auto-release step`);
    }
    await this.assertGivenUp(id, key);
    const outcome = `resolved by ${context.actor.role} ${context.actor.id} (correlation ${context.correlationId})`;
    if (!(await this.process.resolveAutoReleaseStep(key, outcome))) throw conflict('not_stuck', `${id} is no longer given up on`);
    return { id, resolved: true };
  }

  private async assertGivenUp(id: string, key: string): Promise<void> {
    const step = await this.process.autoReleaseStep(key);
    if (!step) throw notFound('stuck_item_not_found', `nothing stuck has the id ${id}`);
    if (step.status !== 'dead') throw conflict('not_stuck', `${id} is ${step.status}, not stuck`);
  }

  /** Stripe's `charge.refunded` events of this charge that were parked for attention: due again now. */
  private async recheckRefundNotices(chargeId: string): Promise<number> {
    const failed = await this.inbox.list({ status: 'failed', limit: listedMax });
    const notices = failed.filter((event) => event.type === 'charge.refunded' && (event.payload.data.object as { id?: string }).id === chargeId);
    for (const notice of notices) await this.inbox.retryNow(notice.id);
    return notices.length;
  }

  private async assertStillWanted(effect: Effect): Promise<void> {
    const { state } = await this.commands.loadContract(effect.contractId);
    const milestone = state.status === 'none' ? undefined : state.milestones[effect.milestoneId];
    const status = milestone?.status ?? 'missing';
    const wanted =
      (effect.kind === 'charge' && status === 'funding') ||
      (effect.kind === 'transfer' && status === 'approved') ||
      (effect.kind === 'refund' && (milestone?.refundPendingCents ?? 0) > 0);
    if (!wanted) {
      // A charge given up on was recorded as a failed funding: the employer funds again instead.
      throw conflict('effect_no_longer_wanted', `the milestone is ${status}: retrying this ${effect.kind} could move money nobody asked for`);
    }
  }
}

function refundFacts(refund: ProviderRefund): ProviderRefundFacts {
  return { chargeId: refund.chargeId, paymentIntentId: refund.paymentIntentId, amountCents: refund.amountCents, status: refund.status };
}

function autoReleaseStepView(step: AutoReleaseJobRecord) {
  const { key, contractId, milestoneId, daysBefore, attempts, lastError, pendingSince, updatedAt } = step;
  return {
    id: autoReleaseStuckId(key),
    kind: 'auto_release_step',
    step: daysBefore === 0 ? 'release' : 'reminder',
    contractId,
    milestoneId,
    daysBefore,
    attempts,
    lastError,
    pendingSince,
    givenUpAt: updatedAt,
  };
}

function effectView(effect: Effect) {
  const { key, kind, contractId, milestoneId, causeEventType, attempts, lastError, nextAttemptAt, firstAttemptedAt, updatedAt, status } = effect;
  return { id: key, kind, status, contractId, milestoneId, causeEventType, attempts, lastError, nextAttemptAt, firstAttemptedAt, updatedAt };
}
