import { resolve } from 'node:path';
import { parseOidcConfig, type OidcConfig } from './oidc-config';
import { parsePayoutCountries } from './payout-countries';
import { parseSubscriptionPlans, type SubscriptionPlan } from './subscription-plans';
import { isLogLevelName, type LogConfig } from './logging/log-config';

export type ProcessRole = 'all' | 'api' | 'worker';

/** The only NODE_ENV values: exact and lower case, so a typo ("prod", "Production") cannot start without production's checks. */
export const nodeEnvs = ['development', 'test', 'production'] as const;
export type NodeEnv = (typeof nodeEnvs)[number];

export interface AppConfig {
  readonly nodeEnv: NodeEnv;
  readonly port: number;
  readonly processRole: ProcessRole;
  /** PostgreSQL when DATABASE_URL is set, otherwise embedded PGlite in `dataDir`. */
  readonly database: { readonly kind: 'postgres'; readonly url: string } | { readonly kind: 'pglite'; readonly dataDir: string };
  /** Bearer tokens: the secret, the optional iss/aud they must carry, the longest lifetime accepted. */
  readonly auth: AuthConfig;
  /** The same as `auth.secret` (kept for existing readers). */
  readonly authSecret: string | null;
  /** The same as `auth.secretIsDevelopmentDefault` (kept for existing readers). */
  readonly authSecretIsDevelopmentDefault: boolean;
  readonly platformFeeBps: number;
  readonly payments: PaymentsConfig;
  /** Where trainers may open payout accounts (ISO 3166-1 alpha-2): PAYOUT_COUNTRIES, else `defaultPayoutCountries`. */
  readonly payoutCountries: readonly string[];
  /** The plans agency accounts subscribe to: SUBSCRIPTION_PLANS (JSON), else `defaultSubscriptionPlans`. */
  readonly subscriptionPlans: readonly SubscriptionPlan[];
  /** First delay before the saga retries a payment call whose outcome is unknown; doubles each time. */
  readonly paymentRetryBaseMs: number;
  /** How long a killed worker's in-flight payment effect stays reserved before another takes it over. */
  readonly paymentEffectLeaseMs: number;
  /** How long a request's claim on its Idempotency-Key holds without renewal (a killed process's claim then expires). */
  readonly idempotencyLeaseMs: number;
  /** Read-your-writes waits at most this long for a read model to catch up. */
  readonly readYourWritesTimeoutMs: number;
  /** Where events are stored; read models, checkpoints and idempotency records are always in `database`. */
  readonly eventStore: EventStoreConfig;
  /** The NATS JetStream relay runs in the worker when set. */
  readonly nats: { readonly url: string } | null;
  readonly feed: FeedConfig;
  /**
   * AUTO_RELEASE_DAYS: a milestone left in pending_approval this many days (no dispute) is approved
   * by the service, reason auto_release; the employer is reminded 7 and 1 days before. 0 disables.
   */
  readonly autoReleaseDays: number;
  /** Prometheus metrics and readiness (METRICS_TOKEN, METRICS_PORT, READY_MAX_PROJECTION_LAG_EVENTS). */
  readonly observability: ObservabilityConfig;
  /** LOG_LEVEL; JSON lines, or pretty ones in development. */
  readonly log: LogConfig;
}

export interface ObservabilityConfig {
  /**
   * METRICS_TOKEN: the bearer credential `GET /metrics` asks for (a static secret, as Prometheus'
   * `authorization` setting sends). Null: /metrics refuses everyone.
   */
  readonly metricsToken: string | null;
  /** METRICS_PORT: where the worker process (which has no HTTP api) serves /metrics and /health/*; null = not served. */
  readonly metricsPort: number | null;
  /** READY_MAX_PROJECTION_LAG_EVENTS: /health/ready fails while a read model is more events than this behind the log. */
  readonly readyMaxProjectionLagEvents: number;
}

export interface AuthConfig {
  /**
   * HS256 secret of bearer tokens. Null when AUTH_JWKS_URL is set without AUTH_SECRET: then only
   * the provider's tokens are accepted (the public development secret is never a fallback there).
   */
  readonly secret: string | null;
  /** True when `secret` is the public development secret (the app warns; production refuses it). */
  readonly secretIsDevelopmentDefault: boolean;
  /** When set, every token must carry this `iss`, and minted tokens do. */
  readonly issuer: string | null;
  /** When set, every token's `aud` must be (or include) this, and minted tokens carry it. */
  readonly audience: string | null;
  /** Longest accepted token lifetime: exp - iat, or exp - now when a token has no iat. */
  readonly tokenLifetimeMaxS: number;
  /** RS256/ES256 tokens of an OpenID Connect provider, checked with its published keys (AUTH_JWKS_URL); null = none. */
  readonly oidc: OidcConfig | null;
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
      /** For the console's card form (Stripe Elements); null = the console cannot add cards. */
      readonly browser: StripeBrowserConfig | null;
    };

/** What the browser needs to collect a card with Stripe Elements: all of it public. */
export interface StripeBrowserConfig {
  readonly publishableKey: string;
  /** Stripe.js, loaded from Stripe (never bundled); another URL only for a Stripe-compatible test server. */
  readonly jsUrl: URL;
}

export const stripeJsDefaultUrl = 'https://js.stripe.com/v3/';

export class ConfigError extends Error {
  constructor(message: string) {
    super(`configuration: ${message}`);
    this.name = 'ConfigError';
  }
}

/** Public on purpose: it only lets local development start without setup. Refused in production. */
export const developmentAuthSecret = 'escrow-ledger-development-secret-do-not-use-in-production';

export const authSecretLengthMin = 32;
/** Default of AUTH_TOKEN_LIFETIME_MAX_S: a day. */
export const authTokenLifetimeMaxDefaultS = 24 * 60 * 60;
/** Bounds of AUTH_TOKEN_LIFETIME_MAX_S: from a minute to 30 days. */
export const authTokenLifetimeMaxLowestS = 60;
export const authTokenLifetimeMaxHighestS = 30 * 24 * 60 * 60;
/** AUTH_ISSUER / AUTH_AUDIENCE are compared exactly: keep them short and printable. */
export const authClaimLengthMax = 256;

/** Default of AUTO_RELEASE_DAYS (what the largest freelance marketplaces wait), and its bound: a year. */
export const autoReleaseDaysDefault = 14;
export const autoReleaseDaysMax = 365;

/**
 * At most half: with half-even rounding the trainer's net is then at least one cent of any
 * released amount, so no payout is ever a transfer of zero.
 */
export const platformFeeBpsMax = 5_000;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const nodeEnv = nodeEnvironment(env.NODE_ENV);
  const auth = authConfig(env, nodeEnv);
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
    auth,
    authSecret: auth.secret,
    authSecretIsDevelopmentDefault: auth.secretIsDevelopmentDefault,
    platformFeeBps: integer(env.PLATFORM_FEE_BPS, 'PLATFORM_FEE_BPS', 0, 0, platformFeeBpsMax),
    payments: paymentsConfig(env, port),
    payoutCountries: payoutCountries(env.PAYOUT_COUNTRIES),
    subscriptionPlans: subscriptionPlans(env.SUBSCRIPTION_PLANS),
    paymentRetryBaseMs: integer(env.PAYMENT_RETRY_BASE_MS, 'PAYMENT_RETRY_BASE_MS', 200, 10, 600_000),
    paymentEffectLeaseMs: integer(env.PAYMENT_EFFECT_LEASE_MS, 'PAYMENT_EFFECT_LEASE_MS', 15_000, 1_000, 600_000),
    idempotencyLeaseMs: integer(env.IDEMPOTENCY_LEASE_MS, 'IDEMPOTENCY_LEASE_MS', 60_000, 1_000, 600_000),
    readYourWritesTimeoutMs: integer(env.READ_YOUR_WRITES_TIMEOUT_MS, 'READ_YOUR_WRITES_TIMEOUT_MS', 5_000, 0, 60_000),
    eventStore: eventStore === 'eventstoredb' ? { kind: 'eventstoredb', url: eventStoreDbUrl(env.EVENTSTORE_URL) } : { kind: 'sql' },
    nats: env.NATS_URL ? { url: natsUrl(env.NATS_URL) } : null,
    feed: {
      heartbeatMs: integer(env.FEED_HEARTBEAT_MS, 'FEED_HEARTBEAT_MS', 15_000, 100, 300_000),
      slowClientTimeoutMs: integer(env.FEED_SLOW_CLIENT_TIMEOUT_MS, 'FEED_SLOW_CLIENT_TIMEOUT_MS', 30_000, 100, 600_000),
    },
    autoReleaseDays: integer(env.AUTO_RELEASE_DAYS, 'AUTO_RELEASE_DAYS', autoReleaseDaysDefault, 0, autoReleaseDaysMax),
    observability: observabilityConfig(env),
    log: logConfig(env.LOG_LEVEL, nodeEnv),
  };
}

/** Projection lag is counted up to this many events (one bounded read per checkpoint); the readiness bound stays below it. */
export const projectionLagEventsCountMax = 5_000;
export const readyMaxProjectionLagEventsDefault = 1_000;

function observabilityConfig(env: NodeJS.ProcessEnv): ObservabilityConfig {
  const token = env.METRICS_TOKEN;
  // As long as AUTH_SECRET: it is compared as a secret, and a short one could be guessed.
  if (token !== undefined && token !== '' && (token.length < authSecretLengthMin || /\s/.test(token))) {
    throw new ConfigError(`METRICS_TOKEN must be at least ${authSecretLengthMin} characters without spaces`);
  }
  return {
    metricsToken: token ? token : null,
    metricsPort: env.METRICS_PORT ? integer(env.METRICS_PORT, 'METRICS_PORT', 0, 0, 65_535) : null,
    readyMaxProjectionLagEvents: integer(
      env.READY_MAX_PROJECTION_LAG_EVENTS,
      'READY_MAX_PROJECTION_LAG_EVENTS',
      readyMaxProjectionLagEventsDefault,
      0,
      projectionLagEventsCountMax - 1,
    ),
  };
}

function logConfig(rawLevel: string | undefined, nodeEnv: NodeEnv): LogConfig {
  const level = rawLevel || 'info';
  if (!isLogLevelName(level)) throw new ConfigError(`LOG_LEVEL must be fatal, error, warn, info, debug, trace or silent, not ${JSON.stringify(level)}`);
  // Production's collectors parse JSON lines; tests capture them; only a person at a terminal gets pretty ones.
  return { level, pretty: nodeEnv === 'development' };
}

function nodeEnvironment(raw: string | undefined): NodeEnv {
  // Empty counts as unset, as for the other variables.
  if (raw === undefined || raw === '') return 'development';
  if (!(nodeEnvs as readonly string[]).includes(raw)) {
    throw new ConfigError(`NODE_ENV must be development, test or production (exactly, lower case), not ${JSON.stringify(raw)}`);
  }
  return raw as NodeEnv;
}

function authConfig(env: NodeJS.ProcessEnv, nodeEnv: NodeEnv): AuthConfig {
  const secret = env.AUTH_SECRET;
  const issuer = claimValue(env.AUTH_ISSUER, 'AUTH_ISSUER');
  const audience = claimValue(env.AUTH_AUDIENCE, 'AUTH_AUDIENCE');
  const parsedOidc = parseOidcConfig(env, { production: nodeEnv === 'production', issuer, audience });
  if ('problem' in parsedOidc) throw new ConfigError(parsedOidc.problem);
  const { oidc } = parsedOidc;
  if (nodeEnv === 'production' && !secret && !oidc) {
    throw new ConfigError('AUTH_SECRET is required when NODE_ENV=production (or AUTH_JWKS_URL, to accept only the tokens of an OpenID Connect provider)');
  }
  if (secret !== undefined && secret.length < authSecretLengthMin) throw new ConfigError(`AUTH_SECRET must be at least ${authSecretLengthMin} characters`);
  if (nodeEnv === 'production' && secret === developmentAuthSecret) {
    throw new ConfigError('AUTH_SECRET is the public development secret: anyone can sign tokens with it; set a secret of your own when NODE_ENV=production');
  }
  // Beside a provider's real identities, HS256 tokens pass only with a secret of one's own.
  const effective = secret ?? (oidc ? null : developmentAuthSecret);
  return {
    secret: effective,
    secretIsDevelopmentDefault: effective === developmentAuthSecret,
    issuer,
    audience,
    tokenLifetimeMaxS: integer(
      env.AUTH_TOKEN_LIFETIME_MAX_S,
      'AUTH_TOKEN_LIFETIME_MAX_S',
      authTokenLifetimeMaxDefaultS,
      authTokenLifetimeMaxLowestS,
      authTokenLifetimeMaxHighestS,
    ),
    oidc,
  };
}

/** An iss or aud value: printable, no surrounding spaces (a stray one would make every token fail the exact comparison). */
function claimValue(raw: string | undefined, name: string): string | null {
  if (raw === undefined || raw === '') return null;
  if (raw.length > authClaimLengthMax || raw !== raw.trim() || /[\u0000-\u001f\u007f]/.test(raw)) {
    throw new ConfigError(`${name} must be 1 to ${authClaimLengthMax} printable characters without surrounding spaces, got ${JSON.stringify(raw)}`);
  }
  return raw;
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
    if (env.STRIPE_WEBHOOK_SECRET || env.STRIPE_API_BASE || env.STRIPE_PUBLISHABLE_KEY) {
      throw new ConfigError('STRIPE_WEBHOOK_SECRET, STRIPE_API_BASE and STRIPE_PUBLISHABLE_KEY need STRIPE_SECRET_KEY');
    }
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
    browser: stripeBrowserConfig(env, secretKey),
  };
}

function stripeBrowserConfig(env: NodeJS.ProcessEnv, secretKey: string): StripeBrowserConfig | null {
  const publishableKey = env.STRIPE_PUBLISHABLE_KEY;
  if (!publishableKey) {
    if (env.STRIPE_JS_URL) throw new ConfigError('STRIPE_JS_URL needs STRIPE_PUBLISHABLE_KEY');
    return null;
  }
  const mode = /^pk_(test|live)_\S+$/.exec(publishableKey)?.[1];
  if (!mode) throw new ConfigError('STRIPE_PUBLISHABLE_KEY must be a Stripe publishable key (pk_test_… or pk_live_…)');
  // A test card form over live charges (or the reverse) fails only when an employer tries it.
  const secretMode = /^(?:sk|rk)_(test|live)_/.exec(secretKey)?.[1];
  if (mode !== secretMode) throw new ConfigError(`STRIPE_PUBLISHABLE_KEY is a ${mode} key but STRIPE_SECRET_KEY is a ${secretMode} key: use the pair of one mode`);
  return { publishableKey, jsUrl: url(env.STRIPE_JS_URL ?? stripeJsDefaultUrl, 'STRIPE_JS_URL') };
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

function payoutCountries(raw: string | undefined): readonly string[] {
  const parsed = parsePayoutCountries(raw);
  if ('problem' in parsed) throw new ConfigError(parsed.problem);
  return parsed.countries;
}

function subscriptionPlans(raw: string | undefined): readonly SubscriptionPlan[] {
  const parsed = parseSubscriptionPlans(raw);
  if ('problem' in parsed) throw new ConfigError(parsed.problem);
  return parsed.plans;
}

function processRole(raw: string | undefined): ProcessRole {
  const role = raw ?? 'all';
  if (role !== 'all' && role !== 'api' && role !== 'worker') throw new ConfigError(`PROCESS_ROLE must be all, api or worker, not ${role}`);
  return role;
}
