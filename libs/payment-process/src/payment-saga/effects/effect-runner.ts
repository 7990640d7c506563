import { Inject, Injectable, Logger } from '@nestjs/common';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { PollLoop, type LoopControl } from '@escrow/jobs';
import { APP_CONFIG, SQL_DB, type AppConfig } from '@escrow/runtime';
import type { SqlDb } from '@escrow/sql';
import { EffectStore, type Effect } from './effect-store';
import { PerformEffect } from './perform-effect';

export const effectPollMs = 250;
export const effectBatchMax = 10;
/** Contracts whose effects run at once: provider calls are mostly waiting, so one at a time left the worker idle. */
export const effectContractsInParallelMax = 4;

/**
 * Takes due effects from the durable queue and performs them: one contract's effects one at a
 * time, in the order taken (a dispute's refund before the transfer it caused, as before), up to
 * `effectContractsInParallelMax` contracts at once.
 */
@Injectable()
export class EffectRunner {
  private readonly logger = new Logger('PaymentEffects');
  private readonly store: EffectStore;
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID()}`;
  private loop: PollLoop | null = null;

  /**
   * An effect's lease: renewed while its provider call runs, so a live process keeps it, and a
   * killed one gives it up within this long (PAYMENT_EFFECT_LEASE_MS).
   */
  private readonly leaseMs: number;

  constructor(
    @Inject(SQL_DB) db: SqlDb,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly performer: PerformEffect,
  ) {
    this.store = new EffectStore(db);
    this.leaseMs = config.paymentEffectLeaseMs;
  }

  async start(onError: (error: unknown) => void): Promise<void> {
    // A failed round (a crash of the process, simulated in tests, or a lost database) ends the
    // loop: the host restarts us.
    this.loop = PollLoop.start({ idleMs: effectPollMs, round: (loop) => this.round(loop), onError });
  }

  async stop(): Promise<void> {
    if (!this.loop) return;
    await this.loop.stop();
    this.loop = null;
    await this.store.releaseLeases(this.owner);
  }

  /** New work was queued: look now rather than at the next poll. */
  kick(): void {
    this.loop?.wake();
  }

  /** True when it took effects: more may be due, so it looks again at once. */
  private async round(loop: LoopControl): Promise<boolean> {
    const due = await this.store.take(this.owner, effectBatchMax, this.leaseMs);
    const lanes = [...byContract(due).values()];
    let failed = false;
    const runLane = async (): Promise<void> => {
      for (let lane = lanes.shift(); lane !== undefined; lane = lanes.shift()) {
        for (const effect of lane) {
          // After a failure the round ends (the host restarts the runner): start nothing more.
          if (!loop.running || failed) return;
          try {
            await this.performOne(effect);
          } catch (error) {
            failed = true;
            throw error;
          }
        }
      }
    };
    // Settled, not Promise.all: the round ends only once no lane is still calling the provider.
    const outcomes = await Promise.allSettled(Array.from({ length: Math.min(effectContractsInParallelMax, lanes.length) }, runLane));
    const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failure) throw failure.reason;
    return due.length > 0;
  }

  private async performOne(effect: Effect): Promise<void> {
    const result = await this.store.whileLeased(this.owner, this.leaseMs, () => this.performer.perform(effect), (error) =>
      this.logger.warn(`lease renewal failed: ${String(error)}`),
    );
    if (result.kind === 'done') await this.store.done(effect.key, result.outcome);
    else if (result.kind === 'retry') await this.store.retryLater(effect.key, result.error, result.delayMs);
    else await this.store.dead(effect.key, result.error);
  }
}

/** The effects of each contract, in the order taken. */
function byContract(effects: readonly Effect[]): Map<string, Effect[]> {
  const lanes = new Map<string, Effect[]>();
  for (const effect of effects) {
    const lane = lanes.get(effect.contractId);
    if (lane) lane.push(effect);
    else lanes.set(effect.contractId, [effect]);
  }
  return lanes;
}
