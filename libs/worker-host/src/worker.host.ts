import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { EventStore } from '@escrow/event-store';
import { NatsRelay } from '@escrow/nats-relay';
import { AutoReleaser, PaymentSaga, PayoutRetrier, SimulatedCrash, StripeWebhookProcessor } from '@escrow/payment-process';
import { projections } from '@escrow/projections/registry';
import { ProjectionGroupRunner } from '@escrow/projector';
import { APP_CONFIG, EVENT_STORE, SQL_DB, type AppConfig } from '@escrow/runtime';
import type { SqlDb } from '@escrow/sql';

/** After an unexpected failure (a database blip), a component resumes from its checkpoint after this. */
export const restartDelayMs = 1_000;

/** Runs the worker's parts: projections, the payment saga and payout retries; restarts them on failure. */
@Injectable()
export class WorkerHost implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Worker');
  /**
   * The worker's one log reader: every read model, one transaction per batch (they share the
   * database), and the payment saga, which follows the same batches.
   */
  private readonly readModels: ProjectionGroupRunner;
  private readonly relay: NatsRelay | null;
  private stopping = false;
  private restarts = new Set<NodeJS.Timeout>();

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(SQL_DB) db: SqlDb,
    private readonly saga: PaymentSaga,
    private readonly retrier: PayoutRetrier,
    private readonly webhooks: StripeWebhookProcessor,
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly autoRelease: AutoReleaser,
  ) {
    this.readModels = new ProjectionGroupRunner(
      store,
      db,
      projections,
      // The others go on; this one is retried alone with a backoff by the group.
      (name, error) => {
        if (!this.stopping) this.logger.error(`${name} failed, retrying it alone: ${describe(error)}`);
      },
      (error) => this.failed('projections', error, () => this.startReadModels()),
      Date.now,
      [saga.follower],
    );
    // Stream ESCROW, subjects escrow.<category>.<EventType>, checkpoint `nats-relay` (the defaults).
    this.relay = config.nats ? new NatsRelay(store, db, { servers: config.nats.url }, (error) => this.failed('nats-relay', error, () => this.startRelay())) : null;
  }

  async onApplicationBootstrap(): Promise<void> {
    // The saga's payment calls run before the reader hands it events.
    await this.startSaga();
    await this.readModels.prepare();
    this.readModels.start();
    this.retrier.start();
    await this.startWebhooks();
    await this.startAutoRelease();
    await this.startRelay();
    this.logger.log(
      `running projections (${projections.map((p) => p.name).join(', ')}), payment saga, payout retries, Stripe webhooks, auto-release${this.autoRelease.enabled ? '' : ' (scheduling only: AUTO_RELEASE_DAYS=0)'}${this.relay ? ' and the NATS relay' : ''}`,
    );
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    for (const timer of this.restarts) clearTimeout(timer);
    await this.relay?.stop();
    await this.webhooks.stop();
    await this.autoRelease.stop();
    await this.retrier.stop();
    // The saga first, as its payment calls stop before anything else of the worker; it takes no
    // batch after that, and the reader stops next.
    await this.saga.stop();
    await this.readModels.stop();
  }

  private async startSaga(): Promise<void> {
    // A restart after a failure of its payment calls (its events come from the reader, restarted on its own).
    await this.saga.stop();
    await this.saga.start((error) => this.failed('payment-saga', error, () => this.startSaga()));
  }

  private async startWebhooks(): Promise<void> {
    await this.webhooks.stop();
    await this.webhooks.start((error) => this.failed('stripe-webhooks', error, () => this.startWebhooks()));
  }

  private async startAutoRelease(): Promise<void> {
    // start() stops what may still run of a failed start (scheduler or executor) first.
    await this.autoRelease.start((error) => this.failed('auto-release', error, () => this.startAutoRelease()));
  }

  private async startRelay(): Promise<void> {
    if (!this.relay) return;
    // A restart after a failure: stop() clears the ended loop (and is harmless when not running).
    await this.relay.stop();
    this.relay.start();
  }

  private async startReadModels(): Promise<void> {
    await this.readModels.stop();
    await this.readModels.prepare();
    this.readModels.start();
  }

  private failed(component: string, error: unknown, restart: () => Promise<void>): void {
    if (this.stopping) return;
    this.logger.error(`${component} stopped: ${describe(error)}`);
    // A simulated crash stands for a dead process: tests restart the whole app instead.
    if (error instanceof SimulatedCrash) return;
    const timer = setTimeout(() => {
      this.restarts.delete(timer);
      if (!this.stopping) restart().catch((e: unknown) => this.failed(component, e, restart));
    }, restartDelayMs);
    this.restarts.add(timer);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
