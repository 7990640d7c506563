import { StripeApiError } from './errors';
import type { ChaosSpec, FaultSpec, JsonObject, StripeTestServer } from './types';

/** Answer of a `/_test/*` control route (not part of Stripe's API; no auth, no faults, no idempotency). */
export interface ControlAnswer {
  status: number;
  body: unknown;
  redirect?: string;
}

function parseJsonBody(raw: string): JsonObject {
  if (raw.trim() === '') return {};
  const parsed: unknown = JSON.parse(raw);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('body must be a JSON object');
  return parsed as JsonObject;
}

function optionalAmount(body: JsonObject): number | undefined {
  return typeof body['amount'] === 'number' ? body['amount'] : undefined;
}

/** The public server API plus what only the onboarding page needs. */
export interface ControlTarget extends StripeTestServer {
  onboardingReturnUrl(accountId: string): string | undefined;
}

type ControlHandler = (server: ControlTarget, id: string, body: JsonObject) => ControlAnswer | Promise<ControlAnswer>;

const done: ControlAnswer = { status: 200, body: { ok: true } };

const controlRoutes: { method: string; pattern: RegExp; handle: ControlHandler }[] = [
  { method: 'GET', pattern: /^\/_test\/ledger$/, handle: (server) => ({ status: 200, body: server.ledger() }) },
  { method: 'GET', pattern: /^\/_test\/events$/, handle: (server) => ({ status: 200, body: server.events() }) },
  { method: 'GET', pattern: /^\/_test\/requests$/, handle: (server) => ({ status: 200, body: server.requests() }) },
  { method: 'POST', pattern: /^\/_test\/faults$/,
    handle: (server, _id, body) => { server.injectFault(body as unknown as FaultSpec); return done; } },
  { method: 'DELETE', pattern: /^\/_test\/faults$/, handle: (server) => { server.clearFaults(); return done; } },
  { method: 'POST', pattern: /^\/_test\/chaos$/,
    handle: (server, _id, body) => { server.setChaos(Object.keys(body).length === 0 ? null : body as unknown as ChaosSpec); return done; } },
  { method: 'POST', pattern: /^\/_test\/accounts\/([^/]+)\/complete_onboarding$/,
    handle: (server, id) => { server.completeOnboarding(id); return done; } },
  { method: 'GET', pattern: /^\/_test\/onboarding\/([^/]+)$/, handle: onboardingPage },
  { method: 'POST', pattern: /^\/_test\/payment_intents\/([^/]+)\/settle$/,
    handle: (server, id, body) => {
      server.settlePaymentIntent(id, body['outcome'] === 'failed' ? 'failed' : 'succeeded');
      return done;
    } },
  { method: 'POST', pattern: /^\/_test\/charges\/([^/]+)\/dispute$/,
    handle: (server, id, body) => ({ status: 200, body: { id: server.createDispute(id, optionalAmount(body)) } }) },
  { method: 'POST', pattern: /^\/_test\/disputes\/([^/]+)\/close$/,
    handle: (server, id, body) => { server.closeDispute(id, body['status'] === 'won' ? 'won' : 'lost'); return done; } },
  { method: 'POST', pattern: /^\/_test\/transfers\/([^/]+)\/reverse$/,
    handle: (server, id, body) => ({ status: 200, body: { id: server.reverseTransfer(id, optionalAmount(body)) } }) },
  { method: 'POST', pattern: /^\/_test\/events\/([^/]+)\/deliver$/,
    handle: async (server, id) => ({ status: 200, body: { status: await server.deliver(id) } }) },
  { method: 'POST', pattern: /^\/_test\/webhook_endpoint$/, handle: setWebhookEndpoint },
];

function setWebhookEndpoint(server: ControlTarget, _id: string, body: JsonObject): ControlAnswer {
  const { url, secret } = body;
  if (url === null || url === undefined) {
    server.setWebhook(null);
    return done;
  }
  if (typeof url !== 'string' || typeof secret !== 'string') return { status: 400, body: { error: 'url and secret are required strings' } };
  server.setWebhook({ url, secret });
  return done;
}

/** The account link's page: opening it finishes onboarding, then goes on to the link's return_url if any. */
function onboardingPage(server: ControlTarget, id: string): ControlAnswer {
  server.completeOnboarding(id);
  const returnUrl = server.onboardingReturnUrl(id);
  if (returnUrl !== undefined) return { status: 302, body: { ok: true }, redirect: returnUrl };
  return { status: 200, body: { ok: true, account: id, onboarding: 'complete' } };
}

export async function answerControl(server: ControlTarget, method: string, path: string,
  rawBody: string): Promise<ControlAnswer> {
  for (const route of controlRoutes) {
    const match = route.method === method ? route.pattern.exec(path) : null;
    if (match === null) continue;
    try {
      return await route.handle(server, decodeURIComponent(match[1] ?? ''), parseJsonBody(rawBody));
    } catch (error) {
      if (error instanceof StripeApiError) return { status: error.status, body: { error: error.body } };
      return { status: 400, body: { error: { type: 'invalid_request_error', message: String(error) } } };
    }
  }
  return { status: 404, body: { error: { type: 'invalid_request_error', message: `No control route ${method} ${path}` } } };
}
