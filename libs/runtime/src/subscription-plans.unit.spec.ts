import { ConfigError, loadConfig } from './config';
import { defaultSubscriptionPlans, parseSubscriptionPlans } from './subscription-plans';

describe('subscription plans (SUBSCRIPTION_PLANS)', () => {
  it('defaults to the agency plans, prices in integer cents', () => {
    expect(loadConfig({}).subscriptionPlans).toBe(defaultSubscriptionPlans);
    expect(loadConfig({ SUBSCRIPTION_PLANS: ' ' }).subscriptionPlans).toBe(defaultSubscriptionPlans);
    for (const plan of defaultSubscriptionPlans) expect(Number.isSafeInteger(plan.monthlyPriceCents)).toBe(true);
  });

  it('reads a JSON list', () => {
    const raw = JSON.stringify([{ id: 'team', name: 'Team', monthlyPriceCents: 4_900, stripePriceId: 'price_team' }]);
    expect(loadConfig({ SUBSCRIPTION_PLANS: raw }).subscriptionPlans).toEqual([{ id: 'team', name: 'Team', monthlyPriceCents: 4_900, stripePriceId: 'price_team' }]);
  });

  it.each([
    ['not JSON', '{', /JSON array/],
    ['an empty list', '[]', /non-empty/],
    ['a float price', JSON.stringify([{ id: 'a', name: 'A', monthlyPriceCents: 9.99, stripePriceId: 'price_a' }]), /monthlyPriceCents must be a non-negative integer/],
    ['a price as text', JSON.stringify([{ id: 'a', name: 'A', monthlyPriceCents: '999', stripePriceId: 'price_a' }]), /monthlyPriceCents/],
    ['a bad id', JSON.stringify([{ id: 'A B', name: 'A', monthlyPriceCents: 1, stripePriceId: 'price_a' }]), /\[0\]\.id/],
    ['a bad price id', JSON.stringify([{ id: 'a', name: 'A', monthlyPriceCents: 1, stripePriceId: 'prod_a' }]), /stripePriceId/],
    ['an unknown field', JSON.stringify([{ id: 'a', name: 'A', monthlyPriceCents: 1, stripePriceId: 'price_a', yearly: 1 }]), /unknown field yearly/],
    ['a plan twice', JSON.stringify([1, 2].map(() => ({ id: 'a', name: 'A', monthlyPriceCents: 1, stripePriceId: 'price_a' }))), /names plan a twice/],
  ])('refuses %s at start', (_, raw, problem) => {
    expect(parseSubscriptionPlans(raw)).toEqual({ problem: expect.stringMatching(problem) });
    expect(() => loadConfig({ SUBSCRIPTION_PLANS: raw })).toThrow(ConfigError);
  });
});
