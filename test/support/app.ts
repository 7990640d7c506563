import type { INestApplication } from '@nestjs/common';
import type { Actor, Role } from '@escrow/domain';
import { PostgresEventStore } from '@escrow/event-store';
import { loadConfig, type AppConfig } from '@escrow/runtime';
import type { SqlDb } from '@escrow/sql';
import type { AddressInfo } from 'node:net';
import { createApp, type AppLogOptions } from '../../apps/api/src/app';
import type { AppOptions } from '../../apps/api/src/app.module';
import { mintToken } from '../../apps/api/src/auth/tokens';
import { withDatabase, type DatabaseTarget } from './databases';

export const testAuthSecret = 'test-secret-that-is-long-enough-for-hs256-0123456789';

export interface HttpResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RunningApp {
  readonly app: INestApplication;
  readonly baseUrl: string;
  readonly config: AppConfig;
  token(role: Role, id: string): string;
  request<T = any>(method: string, path: string, options?: { as?: Actor; body?: unknown; headers?: Record<string, string> }): Promise<HttpResponse<T>>;
  close(): Promise<void>;
}

/** `log`: errors only to stdout unless a test asks for more (a level, or a destination that captures the lines). */
export type StartAppOptions = Partial<AppOptions> & { env?: Record<string, string>; log?: AppLogOptions; onResponse?: ResponseHook; consoleDir?: string };

/** Opt-in: sees every answer `request` gets, and fails the request by throwing (openapi-responses.ts checks them). */
export type ResponseHook = (exchange: { baseUrl: string; method: string; path: string; response: HttpResponse }) => void | Promise<void>;

/** The real app over HTTP on a random port, on a database the test owns (so it can restart the app). */
export async function startApp(db: SqlDb, options: StartAppOptions = {}): Promise<RunningApp> {
  const config = { ...loadConfig({ AUTH_SECRET: testAuthSecret, NODE_ENV: 'test', ...options.env }), ...options.config };
  const app = await createApp({ ...options, config, db, log: options.log ?? { level: 'error' } });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  // With the app's own auth settings: its secret, and AUTH_ISSUER / AUTH_AUDIENCE when the test sets them.
  const token = (role: Role, id: string) => mintToken(config.auth, { role, id });
  return {
    app,
    baseUrl,
    config,
    token,
    async request(method, path, { as, body, headers = {} } = {}) {
      const response = await fetch(`${baseUrl}${path}`, {
        method,
        headers: {
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(as ? { authorization: `Bearer ${token(as.role, as.id)}` } : {}),
          ...headers,
        },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      const answer = { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
      await options.onResponse?.({ baseUrl, method, path, response: answer });
      return answer;
    },
    async close() {
      await app.close();
    },
  };
}

/** Polls `probe` until it returns a value (not undefined), or fails the test after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

export interface AppFixture {
  /** The describe's database (`withDatabase`). */
  readonly db: SqlDb;
  /** The app started on it. */
  readonly api: RunningApp;
  /** The event log of that database, read directly (what the app appended). */
  readonly store: PostgresEventStore;
  /**
   * Stops the app, runs `whileStopped` if given, and starts the app again on the same database
   * (with the describe's options, or `options`).
   */
  restart(whileStopped?: (db: SqlDb) => Promise<void>, options?: StartAppOptions): Promise<RunningApp>;
  /** As `DatabaseFixture.onClose`: runs before the app and the database close. */
  onClose(close: () => Promise<void>): void;
}

/**
 * One database and one started app (plus a `PostgresEventStore` on that database) for the tests
 * of the describe that calls it: opened in a `beforeAll`, closed in an `afterAll` (store, app,
 * then database). `options` may be a function of the database, called in that `beforeAll` (so it
 * can use what earlier `beforeAll`s set up, such as a test server's URL). Tests share the app and
 * its rows: keep them apart with fresh parties and ids.
 */
export function withApp(target: DatabaseTarget, options: StartAppOptions | ((db: SqlDb) => StartAppOptions | Promise<StartAppOptions>) = {}): AppFixture {
  const database = withDatabase(target);
  let api: RunningApp | null = null;
  let store: PostgresEventStore | null = null;
  const opened = <T>(value: T | null, what: string): T => {
    if (value === null) throw new Error(`withApp: the ${what} is open only within the hooks and tests of its describe`);
    return value;
  };
  beforeAll(async () => {
    api = await startApp(database.db, typeof options === 'function' ? await options(database.db) : options);
    database.onClose(async () => {
      await api?.close();
      api = null;
    });
    store = await PostgresEventStore.open(database.db);
    database.onClose(async () => {
      await store?.close();
      store = null;
    });
  });
  return {
    get db() {
      return database.db;
    },
    get api() {
      return opened(api, 'app');
    },
    get store() {
      return opened(store, 'event store');
    },
    async restart(whileStopped, restartOptions) {
      await opened(api, 'app').close();
      api = null;
      await whileStopped?.(database.db);
      api = await startApp(database.db, restartOptions ?? (typeof options === 'function' ? await options(database.db) : options));
      return api;
    },
    onClose: database.onClose,
  };
}
