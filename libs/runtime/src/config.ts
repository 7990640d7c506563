import { resolve } from 'node:path';

export type ProcessRole = 'all' | 'api' | 'worker';

export interface AppConfig {
  readonly nodeEnv: string;
  readonly port: number;
  readonly processRole: ProcessRole;
  /** PostgreSQL when DATABASE_URL is set, otherwise embedded PGlite in `dataDir`. */
  readonly database: { readonly kind: 'postgres'; readonly url: string } | { readonly kind: 'pglite'; readonly dataDir: string };
  readonly authSecret: string;
  readonly authSecretIsDevelopmentDefault: boolean;
  readonly platformFeeBps: number;
  readonly payments: PaymentsConfig;
  /** First delay before the saga retries a payment call whose outcome is unknown; doubles each time. */
  readonly paymentRetryBaseMs: number;
  /** How long a killed worker's in-flight payment effect stays reserved before another takes it over. */
  readonly paymentEffectLeaseMs: number;
  /** Read-your-writes waits at most this long for a read model to catch up. */
  readonly readYourWritesTimeoutMs: number;
  /** Where events are stored; read models, checkpoints and idempotency records are always in `database`. */
  readonly eventStore: EventStoreConfig;
  /** The NATS JetStream relay runs in the worker when set. */
  readonly nats: { readonly url: string } | null;
  readonly feed: FeedConfig;
}

export type EventStoreConfig = { readonly kind: 'sql' } | { readonly kind: 'eventstoredb'; readonly url: string };

export interface FeedConfig {
  /** A comment line this often keeps proxies from closing an idle event stream. */
  readonly heartbeatMs: number;
  /** A subscriber that has not read what was sent for this long is disconnected (it resumes by position). */
  readonly slowClientTimeoutMs: number;
}

/** The simulated gateway by default; Stripe (or a Stripe-compatible server) when a key is given. */
export type PaymentsConfig =
  | { readonly kind: 'simulated' }
  | {
      readonly kind: 'stripe';
      readonly secretKey: string;
      readonly webhookSecret: string;
      /** Another base URL for the SDK (a Stripe-compatible test server); null = Stripe itself. */
      readonly apiBase: URL | null;
      /** Where Stripe sends a trainer back after (or to restart) Connect onboarding. */
      readonly connectReturnUrl: string;
      readonly connectRefreshUrl: string;
      readonly requestTimeoutMs: number;
    };

export class ConfigError extends Error {
  constructor(message: string) {
    super(`configuration: ${message}`);
    this.name = 'ConfigError';
  }
}

/** Public on purpose: it only lets local development start without setup. Refused in production. */
export const developmentAuthSecret = 'escrow-ledger-development-secret-do-not-use-in-production';

/**
 * At most half: with half-even rounding the trainer's net is then at least one cent of any
 * released amount, so no payout is ever a transfer of zero.
 */
export const platformFeeBpsMax = 5_000;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const nodeEnv = env.NODE_ENV ?? 'development';
  const authSecret = env.AUTH_SECRET;
  if (nodeEnv === 'production' && !authSecret) throw new ConfigError('AUTH_SECRET is required when NODE_ENV=production');
  if (authSecret !== undefined && authSecret.length < 32) throw new ConfigError('AUTH_SECRET must be at least 32 characters');
  const eventStore = env.EVENT_STORE ?? (env.DATABASE_URL ? 'postgres' : 'pglite');
  if (eventStore !== 'postgres' && eventStore !== 'pglite' && eventStore !== 'eventstoredb') {
    throw new ConfigError(`EVENT_STORE must be postgres, pglite or eventstoredb, not ${eventStore}`);
  }
  if (eventStore === 'postgres' && !env.DATABASE_URL) throw new ConfigError('EVENT_STORE=postgres needs DATABASE_URL');
  if (eventStore === 'eventstoredb' && !env.DATABASE_URL) {
    throw new ConfigError('EVENT_STORE=eventstoredb needs DATABASE_URL: read models, checkpoints and idempotency records stay in PostgreSQL');
  }
  const port = integer(env.PORT, 'PORT', 3000, 0, 65_535);
  return {
    nodeEnv,
    port,
    processRole: processRole(env.PROCESS_ROLE),
    database:
      eventStore !== 'pglite'
        ? { kind: 'postgres', url: env.DATABASE_URL! }
        : { kind: 'pglite', dataDir: resolve(env.DATA_DIR ?? './data') },
    authSecret: authSecret ?? developmentAuthSecret,
    authSecretIsDevelopmentDefault: authSecret === undefined,
    platformFeeBps: integer(env.PLATFORM_FEE_BPS, 'PLATFORM_FEE_BPS', 0, 0, platformFeeBpsMax),
    payments: paymentsConfig(env, port),
    paymentRetryBaseMs: integer(env.PAYMENT_RETRY_BASE_MS, 'PAYMENT_RETRY_BASE_MS', 200, 10, 600_000),
    paymentEffectLeaseMs: integer(env.PAYMENT_EFFECT_LEASE_MS, 'PAYMENT_EFFECT_LEASE_MS', 15_000, 1_000, 600_000),
    readYourWritesTimeoutMs: integer(env.READ_YOUR_WRITES_TIMEOUT_MS, 'READ_YOUR_WRITES_TIMEOUT_MS', 5_000, 0, 60_000),
    eventStore: eventStore === 'eventstoredb' ? { kind: 'eventstoredb', url: eventStoreDbUrl(env.EVENTSTORE_URL) } : { kind: 'sql' },
    nats: env.NATS_URL ? { url: natsUrl(env.NATS_URL) } : null,
    feed: {
      heartbeatMs: integer(env.FEED_HEARTBEAT_MS, 'FEED_HEARTBEAT_MS', 15_000, 100, 300_000),
      slowClientTimeoutMs: integer(env.FEED_SLOW_CLIENT_TIMEOUT_MS, 'FEED_SLOW_CLIENT_TIMEOUT_MS', 30_000, 100, 600_000),
    },
  };
}

function eventStoreDbUrl(raw: string | undefined): string {
  if (!raw) throw new ConfigError('EVENT_STORE=eventstoredb needs EVENTSTORE_URL (esdb://host:2113?tls=false, or esdb+discover://… for a cluster)');
  if (!/^esdb(\+discover)?:\/\/\S+$/.test(raw)) {
    throw new ConfigError(`EVENTSTORE_URL must be an esdb:// or esdb+discover:// connection string, got ${JSON.stringify(raw)}`);
  }
  return raw;
}

function natsUrl(raw: string): string {
  // A comma list of servers is how NATS clients are given a cluster.
  for (const server of raw.split(',')) {
    if (!/^(nats|tls):\/\/[^\s/]+$/.test(server.trim())) throw new ConfigError(`NATS_URL must be nats://host:port (comma-separated for a cluster), got ${JSON.stringify(raw)}`);
  }
  return raw;
}

function paymentsConfig(env: NodeJS.ProcessEnv, port: number): PaymentsConfig {
  const secretKey = env.STRIPE_SECRET_KEY;
  if (!secretKey) {
    if (env.STRIPE_WEBHOOK_SECRET || env.STRIPE_API_BASE) throw new ConfigError('STRIPE_WEBHOOK_SECRET and STRIPE_API_BASE need STRIPE_SECRET_KEY');
    return { kind: 'simulated' };
  }
  if (!/^(sk|rk)_(test|live)_\S+$/.test(secretKey)) throw new ConfigError('STRIPE_SECRET_KEY must be a Stripe secret or restricted key (sk_test_…, sk_live_…, rk_…)');
  // Without webhooks, asynchronous outcomes (bank debits, 3-D Secure, chargebacks) would never arrive.
  const webhookSecret = env.STRIPE_WEBHOOK_SECRET;
  if (!webhookSecret) throw new ConfigError('STRIPE_SECRET_KEY needs STRIPE_WEBHOOK_SECRET (the signing secret of the webhook endpoint, whsec_…)');
  const publicUrl = url(env.PUBLIC_URL ?? `http://localhost:${port}`, 'PUBLIC_URL');
  return {
    kind: 'stripe',
    secretKey,
    webhookSecret,
    apiBase: env.STRIPE_API_BASE ? url(env.STRIPE_API_BASE, 'STRIPE_API_BASE') : null,
    connectReturnUrl: new URL('/payouts/connected', publicUrl).toString(),
    connectRefreshUrl: new URL('/payouts/refresh', publicUrl).toString(),
    requestTimeoutMs: integer(env.STRIPE_TIMEOUT_MS, 'STRIPE_TIMEOUT_MS', 20_000, 100, 120_000),
  };
}

function url(raw: string, name: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(`${name} must be an absolute http(s) URL, got ${JSON.stringify(raw)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ConfigError(`${name} must be an http(s) URL, got ${JSON.stringify(raw)}`);
  return parsed;
}

function integer(raw: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be an integer, got ${JSON.stringify(raw)}`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function processRole(raw: string | undefined): ProcessRole {
  const role = raw ?? 'all';
  if (role !== 'all' && role !== 'api' && role !== 'worker') throw new ConfigError(`PROCESS_ROLE must be all, api or worker, not ${role}`);
  return role;
}
