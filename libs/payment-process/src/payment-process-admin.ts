import type { SqlDb } from '@escrow/sql';
import { EffectStore, type Effect } from './payment-saga/effects/effect-store';
import { SagaStore, type DeadLetter } from './payment-saga/saga-store';

/**
 * What support may see of the payment process and do to it, so the admin page needs neither the
 * saga's tables nor its stores. Each change keeps the store's guard (only a dead effect is
 * retried or settled, only an open refused outcome is resolved) and answers whether it applied.
 */
export class PaymentProcessAdmin {
  private readonly effects: EffectStore;
  private readonly saga: SagaStore;

  constructor(db: SqlDb) {
    this.effects = new EffectStore(db);
    this.saga = new SagaStore(db);
  }

  /** The tables may not exist yet when the API runs without a worker. */
  async prepare(): Promise<void> {
    await this.effects.prepare();
    await this.saga.prepare();
  }

  /** Effects the saga gave up on, newest first. */
  deadEffects(limit: number): Promise<Effect[]> {
    return this.effects.list({ status: 'dead', limit });
  }

  /** Effects still being retried: slow, not given up on yet. */
  retryingEffects(limit: number): Promise<Effect[]> {
    return this.effects.retrying(limit);
  }

  /** Outcomes a contract refused after money may have moved. */
  refusedOutcomes(): Promise<DeadLetter[]> {
    return this.saga.deadLetters();
  }

  effect(key: string): Promise<Effect | null> {
    return this.effects.get(key);
  }

  /** Again from the first attempt under the same key, so it cannot move money twice. */
  retryEffect(key: string): Promise<boolean> {
    return this.effects.retryNow(key);
  }

  /** Done outside the saga; `settlement` is kept as the effect's outcome. */
  settleEffect(key: string, settlement: unknown): Promise<boolean> {
    return this.effects.settle(key, settlement);
  }

  resolveRefusedOutcome(id: string): Promise<boolean> {
    return this.saga.resolveDeadLetter(id);
  }
}
