import { Logger } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metricsRefusal } from './metrics-token';
import type { Readiness } from './readiness';

export interface MetricsServerOptions {
  readonly registry: Registry;
  readonly readiness: Readiness;
  readonly metricsToken: string | null;
  readonly port: number;
  readonly host?: string;
}

export interface MetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The worker has no HTTP api, so it serves its own `/metrics`, `/health/live` and `/health/ready`
 * on METRICS_PORT, with the same rules as the api's routes (the same token, the same checks).
 * Plain node:http: three read-only routes need no framework.
 */
export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const server = createServer((request, response) => {
    answer(options, request, response).catch((error: unknown) => {
      new Logger('Metrics').error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      if (!response.headersSent) json(response, 500, { statusCode: 500, error: 'Internal Server Error', message: 'internal error' });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return { port: (server.address() as AddressInfo).port, close: () => closeServer(server) };
}

async function answer(options: MetricsServerOptions, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  if (request.method !== 'GET') return json(response, 405, { statusCode: 405, error: 'Method Not Allowed', message: 'only GET' });
  switch (path) {
    case '/metrics': {
      const refusal = metricsRefusal(options.metricsToken, request.headers.authorization);
      if (refusal) return json(response, refusal.status, { statusCode: refusal.status, error: refusal.status === 401 ? 'Unauthorized' : 'Forbidden', message: refusal.message });
      const text = await options.registry.metrics();
      response.writeHead(200, { 'content-type': options.registry.contentType });
      response.end(text);
      return;
    }
    case '/health/live':
      return json(response, 200, { status: 'ok' });
    case '/health/ready': {
      const report = await options.readiness.check();
      return json(response, report.ready ? 200 : 503, readinessBody(report));
    }
    default:
      return json(response, 404, { statusCode: 404, error: 'Not Found', message: `no route ${path}` });
  }
}

/** The readiness answer of both processes: Terminus' result, and the failing checks named. */
export function readinessBody(report: { ready: boolean; failing: readonly string[]; result: object }): object {
  return report.ready ? report.result : { ...report.result, message: `not ready: ${report.failing.join(', ')}` };
}

function json(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}
