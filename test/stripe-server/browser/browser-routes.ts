import { testTokens } from '../test-tokens';
import { paymentFrameHtml, stripeJsSource } from './stripe-js';

export interface BrowserAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** The cards the frame offers: those whose whole path the stand-in plays (no 3-D Secure, no bank debits). */
const frameCards = Object.entries(testTokens).flatMap(([token, behaviour]) =>
  behaviour.type === 'card' && behaviour.outcome.kind !== 'authenticate'
    ? [[token, `${behaviour.brand} •••• ${behaviour.last4}${behaviour.outcome.kind === 'decline' ? ` (declines: ${behaviour.outcome.declineCode.replaceAll('_', ' ')})` : ''}`] as const]
    : []);

/**
 * What a browser fetches from Stripe besides the API: Stripe.js (`/v3/`), the Payment Element's frame,
 * and the CORS preflight of the API calls Stripe.js makes. Null: an API or control request.
 */
export function answerBrowser(method: string, path: string, origin: string): BrowserAnswer | null {
  if (method === 'OPTIONS') {
    return { status: 204, body: '', headers: { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Methods': 'GET, POST, DELETE',
      'Access-Control-Allow-Headers': 'authorization, content-type, stripe-version, idempotency-key', 'Access-Control-Max-Age': '600' } };
  }
  if (method !== 'GET') return null;
  if (path === '/v3' || path === '/v3/') {
    return { status: 200, body: stripeJsSource(origin), headers: { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'no-store' } };
  }
  if (path === '/elements/payment') {
    return { status: 200, body: paymentFrameHtml(frameCards), headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' } };
  }
  return null;
}
