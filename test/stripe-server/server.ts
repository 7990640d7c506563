import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { answerApiRequest, type ApiAnswer, type ApiDependencies } from './api-request';
import { knownApiVersions } from './api-versions';
import { answerControl, type ControlTarget } from './control-routes';
import { Controls } from './controls';
import { FaultInjector, type ChosenFault } from './faults';
import { answerBrowser } from './browser/browser-routes';
import { header, readBody, sendJson } from './http-io';
import { IdempotencyKeys } from './idempotency';
import { newId } from './ids';
import { buildLedger } from './ledger';
import { stripeRoutes } from './routes';
import type { ServerSettings } from './router';
import { defaultApiVersion, StripeState } from './state';
import type { RequestLogEntry, StripeTestServer, StripeTestServerOptions, WebhookEndpoint } from './types';
import { webhookRetryDelaysDefaultMs, WebhookDeliverer } from './webhooks';

const faultAnswers: Record<'http_500' | 'http_429', ApiAnswer> = {
  http_500: { status: 500, claimedKey: null, headers: {},
    body: JSON.stringify({ error: { type: 'api_error', message: 'An unknown error occurred (injected fault).' } }) },
  http_429: { status: 429, claimedKey: null, headers: { 'Stripe-Should-Retry': 'true' },
    body: JSON.stringify({ error: { type: 'invalid_request_error', code: 'rate_limit',
      message: 'Too many requests hit the API too quickly (injected fault).' } }) },
};

/** One running server: its state, the HTTP front and the control surface of the public API. */
class RunningServer implements ControlTarget {
  url = '';
  port = 0;
  private readonly http: Server;
  private readonly state: StripeState;
  private readonly faults = new FaultInjector();
  private readonly keys: IdempotencyKeys;
  private readonly controls: Controls;
  private readonly deliverer: WebhookDeliverer;
  private readonly deps: ApiDependencies;
  private readonly requestLog: RequestLogEntry[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly closing = new AbortController();
  private endpoint: WebhookEndpoint | null;

  constructor(private readonly options: StripeTestServerOptions) {
    const now = options.now ?? Date.now;
    this.state = new StripeState(now, () => this.url);
    this.keys = new IdempotencyKeys(now);
    this.controls = new Controls(this.state);
    this.endpoint = options.webhook ?? null;
    this.state.hasWebhookEndpoint = this.endpoint !== null;
    this.deliverer = new WebhookDeliverer(() => this.endpoint, (id) => this.state.events.get(id),
      options.webhookRetryDelaysMs ?? webhookRetryDelaysDefaultMs);
    this.state.onEvent((event) => {
      if (this.endpoint !== null && options.autoDeliverWebhooks !== false) this.deliverer.enqueue(event.id);
    });
    const settings: ServerSettings = { processingSettleMs: options.processingSettleMs ?? null,
      schedule: (ms, task) => this.schedule(ms, task) };
    this.deps = { state: this.state, routes: stripeRoutes, settings, keys: this.keys,
      acceptsApiKey: (key) => (options.apiKey === undefined ? key.startsWith('sk_test_') : key === options.apiKey) };
    this.http = createServer((request, response) => {
      this.onRequest(request, response).catch((error: unknown) => {
        if (!response.headersSent) sendJson(response, 500, JSON.stringify({ error: { type: 'api_error', message: String(error) } }), {});
      });
    });
  }

  async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(port, '127.0.0.1', () => resolve());
    });
    this.port = (this.http.address() as AddressInfo).port;
    this.url = `http://127.0.0.1:${this.port}`;
  }

  private schedule(ms: number, task: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      task();
    }, ms);
    this.timers.add(timer);
  }

  private async onRequest(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = newId('req');
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const method = request.method ?? 'GET';
    const rawBody = await readBody(request);
    const askedVersion = header(request, 'stripe-version');
    const answeredVersion = askedVersion !== null && knownApiVersions.has(askedVersion) ? askedVersion : defaultApiVersion;
    const baseHeaders: Record<string, string> = { 'Request-Id': requestId, 'Stripe-Version': answeredVersion };
    const browser = answerBrowser(method, url.pathname, this.url);
    if (browser !== null) {
      response.writeHead(browser.status, browser.headers);
      response.end(browser.body);
      return;
    }
    // Stripe's API answers browsers (Stripe.js) from any origin.
    if (header(request, 'origin') !== null) baseHeaders['Access-Control-Allow-Origin'] = '*';
    if (url.pathname.startsWith('/_test/')) {
      const answer = await answerControl(this, method, url.pathname, rawBody);
      if (answer.redirect !== undefined) baseHeaders['Location'] = answer.redirect;
      sendJson(response, answer.status, JSON.stringify(answer.body, null, 2), baseHeaders);
      return;
    }
    const idempotencyKey = method === 'POST' ? header(request, 'idempotency-key') : null;
    const logEntry: RequestLogEntry = { method, path: url.pathname, idempotencyKey, status: 0 };
    this.requestLog.push(logEntry);
    const fault = this.faults.pick(method, url.pathname);
    if (fault?.kind === 'reset_before') {
      request.socket.destroy();
      return;
    }
    const answer = fault?.kind === 'http_500' || fault?.kind === 'http_429' ? faultAnswers[fault.kind]
      : answerApiRequest({ requestId, method, path: url.pathname, query: url.search.slice(1), rawBody,
        authorization: header(request, 'authorization'), idempotencyKey, apiVersion: askedVersion },
        this.deps);
    logEntry.status = answer.status;
    await this.finish(request, response, answer, fault, { ...baseHeaders, ...this.echoKey(idempotencyKey) }, requestId);
  }

  private echoKey(key: string | null): Record<string, string> {
    return key === null ? {} : { 'Idempotency-Key': key };
  }

  /** Latency and reset_after happen after the request was applied; the key stays in flight until answered. */
  private async finish(request: IncomingMessage, response: ServerResponse, answer: ApiAnswer,
    fault: ChosenFault | null, headers: Record<string, string>, requestId: string): Promise<void> {
    if (fault?.kind === 'latency') {
      await sleep(fault.latencyMs, undefined, { signal: this.closing.signal }).catch(() => undefined);
    }
    if (answer.claimedKey !== null) {
      this.keys.complete(answer.claimedKey, { status: answer.status, body: answer.body, requestId });
    }
    if (fault?.kind === 'reset_after' || this.closing.signal.aborted || request.socket.destroyed) {
      request.socket.destroy();
      return;
    }
    sendJson(response, answer.status, answer.body, { ...headers, ...answer.headers });
  }

  onboardingReturnUrl(accountId: string): string | undefined {
    return this.state.onboardingReturnUrls.get(accountId);
  }

  async close(): Promise<void> {
    this.closing.abort();
    this.deliverer.stop();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.http.closeAllConnections();
    await closed;
  }

  setWebhook(endpoint: WebhookEndpoint | null): void {
    this.endpoint = endpoint;
    this.state.hasWebhookEndpoint = endpoint !== null;
  }

  ledger() { return buildLedger(this.state); }
  injectFault(fault: Parameters<StripeTestServer['injectFault']>[0]): void { this.faults.inject(fault); }
  setChaos(chaos: Parameters<StripeTestServer['setChaos']>[0]): void { this.faults.setChaos(chaos); }
  clearFaults(): void { this.faults.clear(); }
  completeOnboarding(accountId: string): void { this.controls.completeOnboarding(accountId); }
  settlePaymentIntent(id: string, outcome: 'succeeded' | 'failed'): void { this.controls.settlePaymentIntent(id, outcome); }
  createDispute(chargeId: string, amount?: number): string { return this.controls.createDispute(chargeId, amount); }
  closeDispute(disputeId: string, status: 'won' | 'lost'): void { this.controls.closeDispute(disputeId, status); }
  reverseTransfer(transferId: string, amount?: number): string { return this.controls.reverseTransfer(transferId, amount); }
  tamper(...args: Parameters<StripeTestServer['tamper']>): void { this.controls.tamper(...args); }
  events() { return structuredClone([...this.state.events.values()]); }
  deliver(eventId: string): Promise<number> { return this.deliverer.deliver(eventId); }
  requests() { return this.requestLog.map((entry) => ({ ...entry })); }
  webhookDeliveries() { return this.deliverer.log.map((entry) => ({ ...entry })); }
  webhooksIdle(): Promise<void> { return this.deliverer.idle(); }
}

export async function startStripeTestServer(options: StripeTestServerOptions = {}): Promise<StripeTestServer> {
  const server = new RunningServer(options);
  await server.listen(options.port ?? 0);
  return server;
}
