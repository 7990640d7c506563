import type { Actor } from '@escrow/domain';
import { eventually, type RunningApp } from '../support/app';
import type { ChaosSpec, StripeTestServer } from '../stripe-server';

export const faultRate = 0.2;
export const support: Actor = { role: 'support', id: 'sup_faults' };
const finance: Actor = { role: 'finance', id: 'fin_faults' };

/** Provider faults on every money request: 500, 429, resets before and after applying, late answers. */
export const moneyChaos = (seed: number, clientTimeoutMs: number): ChaosSpec => ({
  rate: faultRate,
  seed,
  kinds: ['http_500', 'http_429', 'reset_before', 'reset_after', 'latency'],
  paths: ['/v1/payment_intents', '/v1/transfers', '/v1/refunds'],
  latencyMs: clientTimeoutMs + 500,
});

export interface MilestonePlan {
  readonly employer: Actor;
  readonly trainer: Actor;
  readonly amount: string;
  readonly ending: 'paid' | 'refunded';
}

export interface MilestoneResult {
  readonly contractId: string;
  readonly milestoneId: string;
  readonly ending: 'paid' | 'refunded';
  readonly amountCents: number;
  readonly netCents: number | null;
}

/** Three employers with a card on file, three trainers with onboarded Connect accounts. */
export async function setUpParties(api: RunningApp, stripe: StripeTestServer) {
  const employers = [0, 1, 2].map((i): Actor => ({ role: 'employer', id: `emp_fault_${i}` }));
  const trainers = [0, 1, 2].map((i): Actor => ({ role: 'trainer', id: `tr_fault_${i}` }));
  for (const employer of employers) {
    const attached = await api.request('POST', `/v1/employers/${employer.id}/payment-method`, { as: employer, body: { paymentMethodId: 'pm_card_visa' } });
    expect(attached.status).toBe(200);
  }
  for (const trainer of trainers) {
    const connected = await api.request('POST', `/v1/trainers/${trainer.id}/payout-account`, { as: trainer, body: {} });
    expect(connected.status).toBe(200);
    stripe.completeOnboarding(connected.body.accountId);
  }
  return { employers, trainers };
}

export function planMilestones(count: number, parties: { employers: Actor[]; trainers: Actor[] }): MilestonePlan[] {
  return Array.from({ length: count }, (_, i) => ({
    employer: parties.employers[i % parties.employers.length]!,
    trainer: parties.trainers[i % parties.trainers.length]!,
    amount: `${100 + i}.${String(i % 100).padStart(2, '0')}`,
    // Every fifth milestone is disputed and refunded in full by support instead of released.
    ending: i % 5 === 4 ? 'refunded' : 'paid',
  }));
}

export async function runAll(api: RunningApp, plans: readonly MilestonePlan[], concurrency: number, timeoutMs: number): Promise<MilestoneResult[]> {
  const results: MilestoneResult[] = [];
  let next = 0;
  async function worker() {
    while (next < plans.length) results.push(await runLifecycle(api, plans[next++]!, timeoutMs));
  }
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

/**
 * Exactly one charge per funding and one transfer (of the net) per release, one refund per full
 * refund, in the provider's own ledger; our stripe_balance equals what the provider holds; the
 * trial balance balances; nothing is stuck.
 */
export async function expectMoneyConsistent(api: RunningApp, stripe: StripeTestServer, results: readonly MilestoneResult[], since: Date) {
  const ledger = stripe.ledger();
  for (const { milestoneId, ending, amountCents, netCents } of results) {
    const charges = ledger.charges.filter((c) => c.metadata.milestoneId === milestoneId && c.status === 'succeeded');
    const transfers = ledger.transfers.filter((t) => t.metadata.milestoneId === milestoneId);
    const refunds = ledger.refunds.filter((r) => r.metadata.milestoneId === milestoneId);
    expect({ milestoneId, charges: charges.map((c) => c.amount) }).toEqual({ milestoneId, charges: [amountCents] });
    if (ending === 'paid') {
      expect(netCents).toBeLessThan(amountCents);
      expect({ milestoneId, transfers: transfers.map((t) => t.amount), refunds: refunds.length }).toEqual({ milestoneId, transfers: [netCents], refunds: 0 });
    } else {
      expect({ milestoneId, transfers: transfers.length, refunds: refunds.map((r) => r.amount) }).toEqual({ milestoneId, transfers: 0, refunds: [amountCents] });
    }
  }
  const held =
    ledger.charges.filter((c) => c.status === 'succeeded').reduce((sum, c) => sum + c.amount, 0) -
    ledger.transfers.reduce((sum, t) => sum + t.amount, 0) -
    ledger.refunds.reduce((sum, r) => sum + r.amount, 0);
  const balance = await eventually(async () => {
    const balances = await api.request('GET', '/v1/ledger/balances?prefix=platform:stripe_balance', { as: finance });
    const account = balances.body.balances?.find((b: { account: string }) => b.account === 'platform:stripe_balance');
    return account && toCents(account.balance) === held ? account : undefined;
  }, 'the ledger to match the provider', 30_000);
  expect(toCents(balance.balance)).toBe(held);
  const trial = await api.request('GET', '/v1/ledger/trial-balance', { as: finance });
  expect(trial.body).toMatchObject({ balanced: true });
  const stuck = await api.request('GET', '/v1/admin/payments/stuck', { as: support });
  expect(stuck.body).toMatchObject({ effects: [], refusedOutcomes: [], webhooks: [] });

  // Reconciliation, as finance runs it, finds nothing to report for the whole run.
  const from = new Date(since.getTime() - 60_000).toISOString();
  const to = new Date(Date.now() + 60_000).toISOString();
  const report = await api.request('GET', `/v1/ledger/reconciliation?from=${from}&to=${to}`, { as: finance });
  expect(report.status).toBe(200);
  expect(report.body.mismatches).toEqual([]);
  const paid = results.filter((r) => r.ending === 'paid').length;
  expect(report.body.checked).toMatchObject({ charges: results.length, transfers: paid, refunds: results.length - paid });
}

export function toCents(decimal: string): number {
  const [whole, fraction = ''] = decimal.replace('-', '').split('.');
  const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  return decimal.startsWith('-') ? -cents : cents;
}

async function runLifecycle(api: RunningApp, plan: MilestonePlan, timeoutMs: number): Promise<MilestoneResult> {
  const hired = await api.request('POST', '/v1/contracts', {
    as: plan.employer,
    body: { projectName: 'Fault suite', trainerId: plan.trainer.id, firstMilestone: { name: 'Batch', amount: plan.amount } },
  });
  expect(hired.status).toBe(201);
  const { contractId, milestoneId } = hired.body as { contractId: string; milestoneId: string };
  const path = (action: string) => `/v1/contracts/${contractId}/milestones/${milestoneId}/${action}`;
  const statusIs = (status: string) =>
    eventually(async () => {
      const view = await api.request('GET', `/v1/contracts/${contractId}`, { as: support });
      return view.body?.milestones?.[0]?.status === status ? view.body.milestones[0] : undefined;
    }, `milestone ${milestoneId} to become ${status}`, timeoutMs);

  expect((await api.request('POST', path('fund'), { as: plan.employer, body: {} })).status).toBe(202);
  await statusIs('funded');
  const amountCents = toCents(plan.amount);
  if (plan.ending === 'paid') {
    expect((await api.request('POST', path('request-approval'), { as: plan.trainer, body: {} })).status).toBe(200);
    expect((await api.request('POST', path('approve'), { as: plan.employer, body: {} })).status).toBe(200);
    const paid = await statusIs('paid');
    return { contractId, milestoneId, ending: plan.ending, amountCents, netCents: toCents(paid.net) };
  }
  expect((await api.request('POST', path('dispute'), { as: plan.employer, body: { reason: 'not delivered' } })).status).toBe(200);
  expect((await api.request('POST', path('resolve'), { as: support, body: { resolution: 'refund', note: 'refund in full' } })).status).toBe(200);
  await statusIs('refunded');
  return { contractId, milestoneId, ending: plan.ending, amountCents, netCents: null };
}
