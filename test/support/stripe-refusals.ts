import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A Stripe 400 the provider answers instead of applying the request: the provider refusing a
 * request of ours as made. The Stripe-compatible test server injects transport faults, 5xx and
 * 429; this adds the refusal of the request itself, in Stripe's error shape.
 */
export interface Refusal {
  readonly method: 'GET' | 'POST' | 'DELETE';
  /** Prefix of the URL path, e.g. '/v1/setup_intents'. */
  readonly path: string;
  readonly message: string;
  readonly code?: string;
  readonly param?: string;
  /** How many matching requests it answers; default 1. */
  readonly times?: number;
}

export interface RefusingProxy {
  /** Give this to the app as STRIPE_API_BASE. */
  readonly url: string;
  refuse(refusal: Refusal): void;
  /** The `Request-Id` of every refusal answered so far, in order. */
  refusedRequestIds(): string[];
  close(): Promise<void>;
}

/** In front of the test server: refuses what it was told to, forwards everything else untouched. */
export async function startRefusingProxy(targetUrl: string): Promise<RefusingProxy> {
  const target = new URL(targetUrl);
  const queued: { refusal: Refusal; remaining: number }[] = [];
  const refusedIds: string[] = [];

  function refusalFor(method: string, path: string): Refusal | null {
    const entry = queued.find((q) => q.remaining > 0 && q.refusal.method === method && path.startsWith(q.refusal.path));
    if (!entry) return null;
    entry.remaining -= 1;
    return entry.refusal;
  }

  function answerRefusal(response: ServerResponse, refusal: Refusal): void {
    const requestId = `req_refused${String(refusedIds.length + 1).padStart(4, '0')}`;
    refusedIds.push(requestId);
    const error = { type: 'invalid_request_error', message: refusal.message, ...(refusal.code ? { code: refusal.code } : {}), ...(refusal.param ? { param: refusal.param } : {}) };
    response.writeHead(400, { 'content-type': 'application/json', 'request-id': requestId });
    response.end(JSON.stringify({ error }));
  }

  function forward(request: IncomingMessage, response: ServerResponse, body: Buffer): void {
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: request.method, path: request.url, headers: { ...request.headers, host: target.host } },
      (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      },
    );
    upstream.on('error', () => response.destroy());
    upstream.end(body);
  }

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = new URL(request.url ?? '/', 'http://proxy').pathname;
      const refusal = refusalFor(request.method ?? 'GET', path);
      if (refusal) answerRefusal(response, refusal);
      else forward(request, response, Buffer.concat(chunks));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    refuse: (refusal) => queued.push({ refusal, remaining: refusal.times ?? 1 }),
    refusedRequestIds: () => [...refusedIds],
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}
