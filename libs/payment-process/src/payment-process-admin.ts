import type { SqlDb } from '@escrow/sql';
import { AutoReleaseStore, type AutoReleaseJobRecord } from './auto-release/auto-release-store';
import { EffectStore, type Effect } from './payment-saga/effects/effect-store';
import { SagaStore, type DeadLetter } from './payment-saga/saga-store';

/**
 * What support may see of the payment process and do to it, so the admin page needs neither the
 * saga's or auto-release's tables nor their stores. Each change keeps the store's guard (only a
 * dead effect or auto-release step is retried or settled, only an open refused outcome is
 * resolved) and answers whether it applied.
 */
export class PaymentProcessAdmin {
  private readonly effects: EffectStore;
  private readonly saga: SagaStore;
  private readonly autoRelease: AutoReleaseStore;

  constructor(db: SqlDb) {
    this.effects = new EffectStore(db);
    this.saga = new SagaStore(db);
    this.autoRelease = new AutoReleaseStore(db);
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

  /**
   * Auto-release steps (reminders, releases) given up on, most recent first: the milestone
   * would otherwise wait for an approval nobody is going to make.
   */
  givenUpAutoReleaseSteps(limit: number): Promise<AutoReleaseJobRecord[]> {
    return this.autoRelease.givenUp(limit);
  }

  autoReleaseStep(key: string): Promise<AutoReleaseJobRecord | null> {
    return this.autoRelease.get(key);
  }

  /**
   * Due at `now` by the executor's clock, from the first attempt. Safe to run again: the step
   * appends under its own event id and the executor checks the wait against the log first.
   */
  retryAutoReleaseStep(key: string, now: Date): Promise<boolean> {
    return this.autoRelease.retryGivenUp(key, now);
  }

  /** Closed by support without running it; `outcome` records who closed it. */
  resolveAutoReleaseStep(key: string, outcome: string): Promise<boolean> {
    return this.autoRelease.resolveGivenUp(key, outcome);
  }
}
