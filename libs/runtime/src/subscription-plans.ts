/**
 * The subscription plans agency accounts may subscribe to (Stripe Billing). Billed by the provider
 * apart from milestone charges. `SUBSCRIPTION_PLANS` (a JSON array) replaces the default list; it
 * is checked at start, so a malformed plan stops the process instead of failing a request later.
 */
export interface SubscriptionPlan {
  /** Our id, the one the API takes (`planId`): lower-case letters, digits, `_` and `-`. */
  readonly id: string;
  readonly name: string;
  /** The monthly price in integer cents (USD), shown to callers; the provider's price bills it. */
  readonly monthlyPriceCents: number;
  /** The provider's recurring price (Stripe `price_...`). */
  readonly stripePriceId: string;
}

export const defaultSubscriptionPlans: readonly SubscriptionPlan[] = [
  { id: 'agency_basic', name: 'Agency Basic', monthlyPriceCents: 9_900, stripePriceId: 'price_agency_basic_monthly' },
  { id: 'agency_pro', name: 'Agency Pro', monthlyPriceCents: 29_900, stripePriceId: 'price_agency_pro_monthly' },
];

export const planIdPattern = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const stripePriceIdPattern = /^price_[A-Za-z0-9_]{1,200}$/;
const planKeys = ['id', 'name', 'monthlyPriceCents', 'stripePriceId'];

/** The plans from `SUBSCRIPTION_PLANS`, or the default list when unset or empty. */
export function parseSubscriptionPlans(raw: string | undefined): { plans: readonly SubscriptionPlan[] } | { problem: string } {
  if (raw === undefined || raw.trim() === '') return { plans: defaultSubscriptionPlans };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { problem: 'SUBSCRIPTION_PLANS must be a JSON array of {id, name, monthlyPriceCents, stripePriceId}' };
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    return { problem: 'SUBSCRIPTION_PLANS must be a non-empty JSON array of {id, name, monthlyPriceCents, stripePriceId}' };
  }
  const plans: SubscriptionPlan[] = [];
  for (const [index, entry] of parsed.entries()) {
    const at = `SUBSCRIPTION_PLANS[${index}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return { problem: `${at} must be an object` };
    const plan = entry as Record<string, unknown>;
    const extra = Object.keys(plan).find((key) => !planKeys.includes(key));
    if (extra !== undefined) return { problem: `${at} has an unknown field ${extra}` };
    const { id, name, monthlyPriceCents, stripePriceId } = plan;
    if (typeof id !== 'string' || !planIdPattern.test(id)) return { problem: `${at}.id must be lower-case letters, digits, _ or - (at most 64)` };
    if (typeof name !== 'string' || name.trim() === '' || name.length > 100) return { problem: `${at}.name must be a non-blank string of at most 100 characters` };
    if (typeof monthlyPriceCents !== 'number' || !Number.isSafeInteger(monthlyPriceCents) || monthlyPriceCents < 0) {
      return { problem: `${at}.monthlyPriceCents must be a non-negative integer number of cents` };
    }
    if (typeof stripePriceId !== 'string' || !stripePriceIdPattern.test(stripePriceId)) return { problem: `${at}.stripePriceId must be a Stripe price id (price_...)` };
    if (plans.some((known) => known.id === id)) return { problem: `SUBSCRIPTION_PLANS names plan ${id} twice` };
    plans.push({ id, name, monthlyPriceCents, stripePriceId });
  }
  return { plans };
}
