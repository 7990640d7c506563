import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { paidCharge, startWithClient } from './spec-support';
import type { StripeTestServer } from './types';

const secret = 'whsec_spec';

/** A webhook receiver that verifies each delivery with the SDK and answers the queued statuses (then 200). */
async function startReceiver(statuses: number[] = []) {
  const verifier = new Stripe('sk_test_unused');
  const received: Stripe.Event[] = [];
  const http: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const event = verifier.webhooks.constructEvent(Buffer.concat(chunks).toString('utf8'),
        String(request.headers['stripe-signature']), secret);
      const status = statuses.shift() ?? 200;
      if (status === 200) received.push(event);
      response.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/webhooks`;
  return { url, received, close: () => new Promise<void>((resolve) => http.close(() => resolve())) };
}

describe('webhook deliveries', () => {
  let server: StripeTestServer;
  let stripe: Stripe;

  afterEach(() => server.close());

  it('signs every event so the SDK verifies it, and delivers in creation order', async () => {
    const receiver = await startReceiver();
    ({ server, stripe } = await startWithClient({ webhook: { url: receiver.url, secret } }));
    await paidCharge(stripe, 1500);
    await server.webhooksIdle();
    expect(receiver.received.map((event) => event.id)).toEqual(server.events().map((event) => event.id));
    expect(receiver.received.map((event) => event.type)).toEqual(['customer.created', 'payment_method.attached',
      'payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded']);
    await receiver.close();
  });

  it('retries a failed delivery and records each attempt\'s status', async () => {
    const receiver = await startReceiver([500, 503]);
    ({ server, stripe } = await startWithClient({ webhook: { url: receiver.url, secret }, webhookRetryDelaysMs: [5, 5, 5] }));
    const customer = await stripe.customers.create({});
    await server.webhooksIdle();
    const [event] = server.events();
    expect(receiver.received.map((delivered) => (delivered.data.object as Stripe.Customer).id)).toEqual([customer.id]);
    expect(server.webhookDeliveries()).toEqual([500, 503, 200].map((status, index) =>
      ({ eventId: event?.id, attempt: index + 1, status })));
    await receiver.close();
  });

  it('delivers on demand when automatic delivery is off', async () => {
    const receiver = await startReceiver([400]);
    ({ server, stripe } = await startWithClient({ webhook: { url: receiver.url, secret }, autoDeliverWebhooks: false }));
    await stripe.customers.create({});
    const [event] = server.events();
    if (event === undefined) throw new Error('expected an event');
    expect(await server.deliver(event.id)).toBe(400);
    expect(await server.deliver(event.id)).toBe(200);
    expect(receiver.received.map((delivered) => delivered.id)).toEqual([event.id]);
    await receiver.close();
  });
});
