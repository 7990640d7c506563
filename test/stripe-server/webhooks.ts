import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { StripeEvent, WebhookDeliveryLogEntry, WebhookEndpoint } from './types';

export const webhookRetryDelaysDefaultMs = [50, 250, 1000];
const deliveryTimeoutMs = 10_000;

/** Stripe's scheme: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. */
export function signatureHeader(secret: string, payload: string, unixSeconds: number): string {
  const signature = createHmac('sha256', secret).update(`${unixSeconds}.${payload}`, 'utf8').digest('hex');
  return `t=${unixSeconds},v1=${signature}`;
}

/** Delivers events one at a time in creation order, retrying a failed delivery a few times. */
export class WebhookDeliverer {
  private readonly queue: string[] = [];
  private running: Promise<void> | null = null;
  private readonly stopped = new AbortController();
  readonly log: WebhookDeliveryLogEntry[] = [];

  constructor(
    private readonly endpoint: () => WebhookEndpoint | null,
    private readonly eventById: (id: string) => StripeEvent | undefined,
    private readonly retryDelaysMs: number[],
  ) {}

  enqueue(eventId: string): void {
    this.queue.push(eventId);
    this.kick();
  }

  async idle(): Promise<void> {
    while (this.running !== null) await this.running;
  }

  private kick(): void {
    if (this.running !== null || this.stopped.signal.aborted) return;
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.queue.length > 0) this.kick();
    });
  }

  stop(): void {
    this.stopped.abort();
    this.queue.length = 0;
  }

  /** One attempt, now; answers the endpoint's HTTP status (0 = connection error or no endpoint). */
  async deliver(eventId: string, attempt = 1): Promise<number> {
    const event = this.eventById(eventId);
    if (event === undefined) throw new Error(`no event ${eventId}`);
    const endpoint = this.endpoint();
    if (endpoint === null) return 0;
    const payload = JSON.stringify(event, null, 2);
    // Real time, not the server's injectable clock: the receiver checks the timestamp against its own clock.
    const header = signatureHeader(endpoint.secret, payload, Math.floor(Date.now() / 1000));
    const status = await this.post(endpoint.url, payload, header);
    this.log.push({ eventId, attempt, status });
    if (status >= 200 && status < 300 && event.pending_webhooks > 0) event.pending_webhooks -= 1;
    return status;
  }

  private async post(url: string, payload: string, signature: string): Promise<number> {
    try {
      const response = await fetch(url, {
        method: 'POST', body: payload,
        headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature,
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' },
        signal: AbortSignal.any([this.stopped.signal, AbortSignal.timeout(deliveryTimeoutMs)]),
      });
      await response.arrayBuffer();
      return response.status;
    } catch {
      return 0;
    }
  }

  private async drain(): Promise<void> {
    for (let eventId = this.queue.shift(); eventId !== undefined; eventId = this.queue.shift()) {
      await this.deliverWithRetries(eventId);
    }
  }

  private async deliverWithRetries(eventId: string): Promise<void> {
    for (let attempt = 1; attempt <= this.retryDelaysMs.length + 1; attempt += 1) {
      if (this.stopped.signal.aborted) return;
      const status = await this.deliver(eventId, attempt);
      if (status >= 200 && status < 300) return;
      const delayMs = this.retryDelaysMs[attempt - 1];
      if (delayMs === undefined) return;
      try {
        await sleep(delayMs, undefined, { signal: this.stopped.signal });
      } catch {
        return;
      }
    }
  }
}
