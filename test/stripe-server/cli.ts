/**
 * Runs the Stripe-compatible test server until SIGINT/SIGTERM.
 * Usage: cli [--port 12111] [--webhook-url <url> --webhook-secret <whsec_...>]
 */
import { parseArgs } from 'node:util';
import { startStripeTestServer } from './server';

const defaultPort = 12111;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: {
    port: { type: 'string', default: String(defaultPort) },
    'webhook-url': { type: 'string' },
    'webhook-secret': { type: 'string' },
  } });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port ${values.port}`);
  const url = values['webhook-url'];
  const secret = values['webhook-secret'];
  if ((url === undefined) !== (secret === undefined)) throw new Error('--webhook-url and --webhook-secret go together');
  const server = await startStripeTestServer({ port, webhook: url === undefined || secret === undefined ? null : { url, secret } });
  process.stdout.write([
    `Stripe test server listening on ${server.url}`,
    `  SDK: new Stripe('sk_test_...', { host: '127.0.0.1', port: ${server.port}, protocol: 'http' })`,
    `  webhooks: ${url ?? 'none (POST /_test/webhook_endpoint {url, secret} to set)'}`,
    '  control routes:',
    '    GET    /_test/ledger | /_test/events | /_test/requests',
    '    POST   /_test/faults {method?, path, kind, times?, latencyMs?}   DELETE /_test/faults',
    '    POST   /_test/chaos {rate, seed, kinds, paths, latencyMs?}  ({} turns chaos off)',
    '    POST   /_test/accounts/:id/complete_onboarding     GET /_test/onboarding/:id (account link target)',
    '    POST   /_test/payment_intents/:id/settle {outcome: succeeded|failed}',
    '    POST   /_test/charges/:id/dispute {amount?}         POST /_test/disputes/:id/close {status: won|lost}',
    '    POST   /_test/transfers/:id/reverse {amount?}       POST /_test/events/:id/deliver',
    '    POST   /_test/webhook_endpoint {url, secret}',
    '',
  ].join('\n'));
  const stop = (): void => { void server.close().then(() => process.exit(0)); };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
