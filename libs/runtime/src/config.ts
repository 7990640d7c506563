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
  readonly payments: 'simulated';
  /** Read-your-writes waits at most this long for a read model to catch up. */
  readonly readYourWritesTimeoutMs: number;
}

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
  if (eventStore === 'eventstoredb') throw new ConfigError('EVENT_STORE=eventstoredb is not available in this build yet');
  if (eventStore !== 'postgres' && eventStore !== 'pglite') throw new ConfigError(`EVENT_STORE must be postgres or pglite, not ${eventStore}`);
  if (eventStore === 'postgres' && !env.DATABASE_URL) throw new ConfigError('EVENT_STORE=postgres needs DATABASE_URL');
  if (env.STRIPE_SECRET_KEY) throw new ConfigError('STRIPE_SECRET_KEY is set, but the Stripe adapter is not available in this build yet');
  return {
    nodeEnv,
    port: integer(env.PORT, 'PORT', 3000, 0, 65_535),
    processRole: processRole(env.PROCESS_ROLE),
    database:
      eventStore === 'postgres'
        ? { kind: 'postgres', url: env.DATABASE_URL! }
        : { kind: 'pglite', dataDir: resolve(env.DATA_DIR ?? './data') },
    authSecret: authSecret ?? developmentAuthSecret,
    authSecretIsDevelopmentDefault: authSecret === undefined,
    platformFeeBps: integer(env.PLATFORM_FEE_BPS, 'PLATFORM_FEE_BPS', 0, 0, platformFeeBpsMax),
    payments: 'simulated',
    readYourWritesTimeoutMs: integer(env.READ_YOUR_WRITES_TIMEOUT_MS, 'READ_YOUR_WRITES_TIMEOUT_MS', 5_000, 0, 60_000),
  };
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
