import { Inject, Injectable, Logger } from '@nestjs/common';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, SQL_DB, type AppConfig } from '@escrow/runtime';
import type { SqlDb } from '@escrow/sql';
import { EffectStore } from './effect-store';
import { PerformEffect } from './perform-effect';

export const effectPollMs = 250;
export const effectBatchMax = 10;

/** Takes due effects from the durable queue and performs them, one at a time, in order. */
@Injectable()
export class EffectRunner {
  private readonly logger = new Logger('PaymentEffects');
  private readonly store: EffectStore;
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID()}`;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private onError: (error: unknown) => void = () => {};

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
    await this.store.prepare();
    this.onError = onError;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    if (!this.loop) return;
    this.running = false;
    this.wake?.();
    await this.loop;
    this.loop = null;
    await this.store.releaseLeases(this.owner);
  }

  /** New work was queued: look now rather than at the next poll. */
  kick(): void {
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let worked = false;
      try {
        worked = await this.round();
      } catch (error) {
        // A crash of the process (simulated in tests) or a lost database: the host restarts us.
        this.running = false;
        this.onError(error);
        return;
      }
      if (!worked) await this.idle();
    }
  }

  private async round(): Promise<boolean> {
    const due = await this.store.take(this.owner, effectBatchMax, this.leaseMs);
    for (const effect of due) {
      if (!this.running) break;
      const heartbeat = setInterval(() => {
        this.store.renewLeases(this.owner, this.leaseMs).catch((error: unknown) => this.logger.warn(`lease renewal failed: ${String(error)}`));
      }, this.leaseMs / 3);
      try {
        const result = await this.performer.perform(effect);
        if (result.kind === 'done') await this.store.done(effect.key, result.outcome);
        else if (result.kind === 'retry') await this.store.retryLater(effect.key, result.error, result.delayMs);
        else await this.store.dead(effect.key, result.error);
      } finally {
        clearInterval(heartbeat);
      }
    }
    return due.length > 0;
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, effectPollMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }
}
