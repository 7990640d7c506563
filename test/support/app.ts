import type { INestApplication } from '@nestjs/common';
import type { Actor, Role } from '@escrow/domain';
import { loadConfig, type AppConfig } from '@escrow/runtime';
import type { SqlDb } from '@escrow/sql';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../apps/api/src/app';
import type { AppOptions } from '../../apps/api/src/app.module';
import { mintToken } from '../../apps/api/src/auth/tokens';

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

/** The real app over HTTP on a random port, on a database the test owns (so it can restart the app). */
export async function startApp(db: SqlDb, options: Partial<AppOptions> & { env?: Record<string, string> } = {}): Promise<RunningApp> {
  const config = { ...loadConfig({ AUTH_SECRET: testAuthSecret, NODE_ENV: 'test', ...options.env }), ...options.config };
  const app = await createApp({ ...options, config, db, logLevels: ['error'] });
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
      return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
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
