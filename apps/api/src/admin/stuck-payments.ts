import { Inject, Injectable } from '@nestjs/common';
import { conflict, notFound } from '@escrow/domain';
import { StripeWebhookInbox } from '@escrow/payments';
import { CommandHandling, SQL_DB } from '@escrow/runtime';
import type { SqlDb } from '@escrow/sql';
import { EffectStore, type Effect } from '../../../worker/src/payment-saga/effects/effect-store';
import { SagaStore } from '../../../worker/src/payment-saga/saga-store';

const listedMax = 500;

/**
 * Everything in the payment pipeline that waits for a person: effects the saga gave up on,
 * outcomes a contract refused (money may have moved), and Stripe events that could not be
 * applied. Effects still being retried are listed too, so slow is visible before it is stuck.
 */
@Injectable()
export class StuckPayments {
  private readonly effects: EffectStore;
  private readonly sagaStore: SagaStore;
  private readonly inbox: StripeWebhookInbox;

  constructor(
    @Inject(SQL_DB) db: SqlDb,
    private readonly commands: CommandHandling,
  ) {
    this.effects = new EffectStore(db);
    this.sagaStore = new SagaStore(db);
    this.inbox = new StripeWebhookInbox(db);
  }

  async list() {
    await this.prepare();
    const [dead, retrying, refused, webhooks] = await Promise.all([
      this.effects.list({ status: 'dead', limit: listedMax }),
      this.effects.retrying(listedMax),
      this.sagaStore.deadLetters(),
      this.inbox.list({ status: 'failed', limit: listedMax }),
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
    };
  }

  /**
   * Support's retry: a dead effect runs again from its first attempt under the same key (so it
   * cannot move money twice), once the milestone still wants it; a failed Stripe event is due now.
   */
  async retry(id: string) {
    await this.prepare();
    const effect = await this.effects.get(id);
    if (effect) {
      if (effect.status !== 'dead') throw conflict('not_stuck', `${id} is ${effect.status}, not stuck`);
      await this.assertStillWanted(effect);
      await this.effects.retryNow(id);
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

  /** A refused outcome that support settled by hand leaves the list. */
  async resolve(id: string) {
    await this.prepare();
    if (!(await this.sagaStore.resolveDeadLetter(id))) throw notFound('stuck_item_not_found', `no open refused outcome has the id ${id}`);
    return { id, resolved: true };
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

  private prepared: Promise<void> | null = null;

  /** The tables may not exist yet when the API runs without a worker: created once, on first use. */
  private prepare(): Promise<void> {
    this.prepared ??= (async () => {
      await this.effects.prepare();
      await this.sagaStore.prepare();
      await this.inbox.prepare();
    })().catch((error: unknown) => {
      this.prepared = null;
      throw error;
    });
    return this.prepared;
  }
}

function effectView(effect: Effect) {
  const { key, kind, contractId, milestoneId, causeEventType, attempts, lastError, nextAttemptAt, firstAttemptedAt, updatedAt, status } = effect;
  return { id: key, kind, status, contractId, milestoneId, causeEventType, attempts, lastError, nextAttemptAt, firstAttemptedAt, updatedAt };
}
