import { randomUUID } from 'node:crypto';
import { contractStream } from '@escrow/domain';
import { SimulatedPaymentGateway } from '@escrow/payments';
import { signedDelivery, stripeEventFixture } from '../libs/payments/src/webhooks/testing/stripe-event.fixture';
import { eventually, testAuthSecret, withApp } from './support/app';
import { describeEachDatabase } from './support/databases';
import { employer, hireBody } from './support/lifecycle';

const webhookSecret = 'whsec_test_request_logging_webhook_secret';
const stripeSecretKey = 'sk_test_request_logging_key';

interface LogLine {
  level: string;
  msg: string;
  correlationId?: string;
  context?: string;
  req?: { method: string; url: string };
  res?: { statusCode: number };
  route?: string | null;
  durationMs?: number;
}

/**
 * Every line the apps of this file write. One destination for the whole file: lines outside a
 * request go to the first root logger of the process (nestjs-pino keeps one), so the second
 * describe's app writes some of its lines through the first one's destination.
 */
const written: string[] = [];
const destination = { write: (line: string) => void written.push(line) };
const lines = (): LogLine[] => written.map((line) => JSON.parse(line) as LogLine);
/** The line pino-http writes when it has answered the request with this id. */
const requestLine = (correlationId: string) => lines().find((line) => line.correlationId === correlationId && line.res !== undefined);

describeEachDatabase('structured logs', (target) => {
  const app = withApp(target, async (db) => ({
    env: { STRIPE_SECRET_KEY: stripeSecretKey, STRIPE_WEBHOOK_SECRET: webhookSecret },
    gateway: await SimulatedPaymentGateway.open(db),
    log: { level: 'info', destination },
  }));
  const bearer = () => `Bearer ${app.api.token(employer.role, employer.id)}`;
  const tokensSent: string[] = [];

  /** Hires with the employer's token sent by hand, so the test knows the exact string that must never be logged. */
  async function hire(headers: Record<string, string> = {}) {
    const authorization = bearer();
    tokensSent.push(authorization.slice('Bearer '.length));
    const response = await app.api.request('POST', '/v1/contracts', { body: hireBody(), headers: { authorization, ...headers } });
    expect(response.status).toBe(201);
    return response;
  }

  it('writes JSON lines, one per answered request with its route, status, duration and correlation id', async () => {
    const correlationId = `logs-${target.name}-${randomUUID()}`;

    const hired = await hire({ 'x-correlation-id': correlationId, 'idempotency-key': `logs-${randomUUID()}` });

    expect(hired.headers.get('x-correlation-id')).toBe(correlationId);
    expect(written.length).toBeGreaterThan(0);
    for (const line of written) expect(() => JSON.parse(line)).not.toThrow();
    expect(requestLine(correlationId)).toEqual(
      expect.objectContaining({
        level: 'info',
        correlationId,
        req: { method: 'POST', url: '/v1/contracts' },
        res: { statusCode: 201 },
        route: '/v1/contracts',
        durationMs: expect.any(Number),
        msg: 'POST /v1/contracts 201',
      }),
    );
  });

  it("logs the request under the correlationId its events carry in their metadata, the client's or a new one", async () => {
    const sent = `logs-${target.name}-${randomUUID()}`;
    const withHeader = await hire({ 'x-correlation-id': sent });
    const withoutHeader = await hire();
    const made = withoutHeader.headers.get('x-correlation-id');
    expect(made).toEqual(expect.any(String));
    expect(made).not.toBe(sent);

    for (const [response, correlationId] of [[withHeader, sent], [withoutHeader, made!]] as const) {
      const events = await app.store.readStream(contractStream(response.body.contractId));
      expect(events.length).toBeGreaterThan(0);
      for (const event of events) expect(event.metadata).toMatchObject({ correlationId, causationId: correlationId });
      expect(requestLine(correlationId)).toMatchObject({ res: { statusCode: 201 }, route: '/v1/contracts' });
    }
  });

  it("stamps the lines logged while serving a request (Nest's Logger included) with its correlationId", async () => {
    const correlationId = `logs-${target.name}-${randomUUID()}`;
    const body = JSON.stringify(stripeEventFixture());
    const { signature } = signedDelivery(body, 'whsec_not_the_configured_secret');

    const refused = await app.api.request('POST', '/v1/webhooks/stripe', {
      body,
      headers: { 'content-type': 'application/json', 'stripe-signature': signature, 'x-correlation-id': correlationId },
    });

    expect(refused.status).toBe(400);
    const ofRequest = lines().filter((line) => line.correlationId === correlationId);
    expect(ofRequest).toEqual([
      expect.objectContaining({ level: 'warn', context: 'StripeWebhooks', msg: expect.stringMatching(/^refused a Stripe webhook/) }),
      expect.objectContaining({ res: { statusCode: 400 }, route: '/v1/webhooks/stripe' }),
    ]);
  });

  it('answers and logs a request refused before routing (malformed JSON) with its id', async () => {
    const correlationId = `logs-${target.name}-${randomUUID()}`;
    const refused = await app.api.request('POST', '/v1/contracts', { body: '{"projectName":', headers: { authorization: bearer(), 'x-correlation-id': correlationId } });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('x-correlation-id')).toBe(correlationId);
    expect(requestLine(correlationId)).toMatchObject({ req: { method: 'POST', url: '/v1/contracts' }, res: { statusCode: 400 } });
  });

  it('writes no line for a health check that succeeds, but still answers its id', async () => {
    const correlationId = `logs-${target.name}-${randomUUID()}`;
    const live = await app.api.request('GET', '/health/live', { headers: { 'x-correlation-id': correlationId } });
    expect(live.status).toBe(200);
    expect(live.headers.get('x-correlation-id')).toBe(correlationId);
    // Answered lines are written on 'finish', before the client has read the body: any would be here by now.
    expect(lines().filter((line) => line.correlationId === correlationId)).toEqual([]);
  });

  it('stamps the worker\'s lines about a Stripe event with the correlationId of the events it leads to', async () => {
    // A success without a charge is parked for support, with a warning from the worker.
    const event = stripeEventFixture({ type: 'payment_intent.succeeded' });
    const body = JSON.stringify(event);
    const recorded = await app.api.request('POST', '/v1/webhooks/stripe', {
      body,
      headers: { 'content-type': 'application/json', 'stripe-signature': signedDelivery(body, webhookSecret).signature },
    });
    expect(recorded.status).toBe(200);

    const warned = await eventually(async () => lines().find((line) => line.context === 'StripeWebhooks' && line.msg.includes(event.id)), 'the worker\'s warning');

    expect(warned).toMatchObject({ level: 'warn', correlationId: `stripe:${event.id}` });
  });

  it('never writes a bearer token, the auth secret, the Stripe key or the webhook secret', async () => {
    const body = JSON.stringify(stripeEventFixture({ type: 'payment_intent.succeeded' }));
    const accepted = await app.api.request('POST', '/v1/webhooks/stripe', {
      body,
      headers: { 'content-type': 'application/json', 'stripe-signature': signedDelivery(body, webhookSecret).signature },
    });
    expect(accepted.status).toBe(200);
    const refused = await app.api.request('GET', '/v1/contracts/ctr_unknown', { headers: { authorization: `Bearer ${testAuthSecret}` } });
    expect(refused.status).toBe(401);

    expect(tokensSent.length).toBeGreaterThan(0);
    expect(written.length).toBeGreaterThan(0);
    for (const line of written) {
      for (const secret of [...tokensSent, testAuthSecret, stripeSecretKey, webhookSecret]) expect(line).not.toContain(secret);
      expect(line.toLowerCase()).not.toContain('bearer ey');
    }
  });
});
