import { Global, Inject, Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { EventStoreDbEventStore, MeasuredEventStore, PostgresEventStore, type EventStore } from '@escrow/event-store';
import { UpcastingEventStore } from '@escrow/event-schemas';
import { SimulatedPaymentGateway, StripePaymentGateway, type PaymentGateway } from '@escrow/payments';
import { applyMigrations } from '@escrow/migrations';
import { openPglite, openPostgres, type SqlDb } from '@escrow/sql';
import { CommandHandling } from './command-handling';
import type { AppConfig } from './config';
import { systemClock, type Clock } from './ids';
import { createMetricsRegistry, eventStoreMetrics, METRICS_REGISTRY } from './metrics';
import type { Registry } from 'prom-client';

export const APP_CONFIG = Symbol('APP_CONFIG');
export const SQL_DB = Symbol('SQL_DB');
export const EVENT_STORE = Symbol('EVENT_STORE');
export const PAYMENT_GATEWAY = Symbol('PAYMENT_GATEWAY');
export const CLOCK = Symbol('CLOCK');
const OWNED_RESOURCES = Symbol('OWNED_RESOURCES');

export interface InfrastructureOptions {
  readonly config: AppConfig;
  /** Given by tests that keep one database across app restarts; the app then leaves it open. */
  readonly db?: SqlDb;
  readonly gateway?: PaymentGateway;
  readonly clock?: Clock;
}

interface OwnedResources {
  readonly closeDb: boolean;
}

/** The configured database as it stands: `npm run migrate` looks before it applies. */
export function connectDatabase(config: AppConfig): Promise<SqlDb> {
  return config.database.kind === 'postgres' ? openPostgres({ connectionString: config.database.url }) : openPglite(config.database.dataDir);
}

/**
 * The configured database (PostgreSQL, or embedded PGlite), its schema brought up to the newest
 * versioned migration: the app and every script start here, so none meets a table it lacks.
 */
export async function openDatabase(config: AppConfig): Promise<SqlDb> {
  const db = await connectDatabase(config);
  try {
    await migrateDatabase(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

async function migrateDatabase(db: SqlDb): Promise<SqlDb> {
  const { applied } = await applyMigrations(db);
  if (applied.length > 0) new Logger('Migrations').log(`applied ${applied.join(', ')}`);
  return db;
}

/**
 * The event store the configuration chooses (the SQL database itself unless EventStoreDB is
 * named), read through the upcasters so every reader sees each event at its newest version.
 */
export async function openEventStore(config: AppConfig, db: SqlDb): Promise<EventStore> {
  const store = config.eventStore.kind === 'eventstoredb' ? await EventStoreDbEventStore.connect(config.eventStore.url) : await PostgresEventStore.open(db);
  return new UpcastingEventStore(store);
}

/** The payment gateway the configuration chooses: Stripe with a key, otherwise the simulated one. */
export async function openPaymentGateway(config: AppConfig, db: SqlDb): Promise<PaymentGateway> {
  const payments = config.payments;
  if (payments.kind === 'simulated') return SimulatedPaymentGateway.open(db);
  return new StripePaymentGateway({
    secretKey: payments.secretKey,
    apiBase: payments.apiBase,
    timeoutMs: payments.requestTimeoutMs,
    connectReturnUrl: payments.connectReturnUrl,
    connectRefreshUrl: payments.connectRefreshUrl,
  });
}

class InfrastructureShutdown implements OnApplicationShutdown {
  private readonly logger = new Logger('Infrastructure');

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SQL_DB) private readonly db: SqlDb,
    @Inject(OWNED_RESOURCES) private readonly owned: OwnedResources,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
    if (this.owned.closeDb) {
      await this.db.close();
      this.logger.log('database closed');
    }
  }
}

/** The adapters chosen by configuration, shared by the api and the worker. */
@Global()
@Module({})
export class InfrastructureModule {
  static forRoot(options: InfrastructureOptions): DynamicModule {
    const providers = [
      { provide: APP_CONFIG, useValue: options.config },
      { provide: CLOCK, useValue: options.clock ?? systemClock },
      { provide: OWNED_RESOURCES, useValue: { closeDb: options.db === undefined } },
      { provide: SQL_DB, useFactory: () => (options.db ? migrateDatabase(options.db) : openDatabase(options.config)) },
      { provide: METRICS_REGISTRY, useFactory: createMetricsRegistry },
      {
        provide: EVENT_STORE,
        // Measured at the port, whatever the adapter: append latency and conflicts (metrics/event-store-metrics.ts).
        useFactory: async (db: SqlDb, registry: Registry) => new MeasuredEventStore(await openEventStore(options.config, db), eventStoreMetrics(registry)),
        inject: [SQL_DB, METRICS_REGISTRY],
      },
      {
        provide: PAYMENT_GATEWAY,
        useFactory: (db: SqlDb) => options.gateway ?? openPaymentGateway(options.config, db),
        inject: [SQL_DB],
      },
      {
        provide: CommandHandling,
        useFactory: (store: EventStore, clock: Clock) => new CommandHandling(store, clock),
        inject: [EVENT_STORE, CLOCK],
      },
      InfrastructureShutdown,
    ];
    return {
      module: InfrastructureModule,
      providers,
      exports: [APP_CONFIG, CLOCK, SQL_DB, EVENT_STORE, PAYMENT_GATEWAY, METRICS_REGISTRY, CommandHandling],
    };
  }
}
