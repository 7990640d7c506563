import type { Actor } from '@escrow/domain';
import { SimulatedPaymentGateway } from '@escrow/payments';
import { eventually, type HttpResponse, withApp } from './support/app';
import { describeEachDatabase } from './support/databases';
import { expectRefusedWithoutWrites, freshEmployer, freshTrainer, validHire } from './support/api-checks';

const support: Actor = { role: 'support', id: 'sup_1' };
const finance: Actor = { role: 'finance', id: 'fin_1' };

describeEachDatabase('agency plans (simulated gateway)', (target) => {
  const app = withApp(target);
  const refused = (call: () => Promise<HttpResponse>, status: number, message: RegExp | string) =>
    expectRefusedWithoutWrites(app.db, app.store, call, status, message);
  const post = (path: string, as: Actor, body: unknown, key?: string) =>
    app.api.request('POST', path, { as, body, headers: key === undefined ? {} : { 'idempotency-key': key } });

  /** An employer with a card on file and a pending milestone; an agency when asked. */
  async function employerWithMilestone(agency: boolean) {
    const employer = freshEmployer();
    const trainer = freshTrainer();
    expect((await post(`/v1/employers/${employer.id}/payment-method`, employer, { paymentMethodId: 'pm_card_visa' })).status).toBe(200);
    if (agency) {
      const marked = await post(`/v1/employers/${employer.id}/account-type`, support, { accountType: 'agency' });
      expect(marked.status).toBe(200);
      expect(marked.body).toMatchObject({ employerId: employer.id, accountType: 'agency', mayFund: false, subscription: null });
    }
    const hired = await post('/v1/contracts', employer, validHire(trainer.id));
    expect(hired.status).toBe(201);
    const { contractId, milestoneId } = hired.body as { contractId: string; milestoneId: string };
    const fund = () => post(`/v1/contracts/${contractId}/milestones/${milestoneId}/fund`, employer, {});
    return { employer, contractId, milestoneId, fund };
  }
  const subscribe = (employer: Actor, planId: unknown, key?: string) => post(`/v1/employers/${employer.id}/subscription`, employer, { planId }, key);
  const employerEvents = async (employerId: string) => (await app.store.readStream(`employer-${employerId}`)).map((e) => e.type);
  const subscriptionsAtProvider = async (employerId: string) => {
    const { rows } = await app.db.query<{ customer_id: string }>('select customer_id from simgw_customers where employer_id = $1', [employerId]);
    return (await SimulatedPaymentGateway.open(app.db)).subscriptionCount(rows[0]!.customer_id);
  };

  it('refuses funding for an agency without an active plan with 422 naming the employer, writing nothing', async () => {
    const { employer, fund } = await employerWithMilestone(true);
    const response = await refused(fund, 422, `employer ${employer.id} is an agency account without an active subscription plan`);
    expect(response.body.code).toBe('agency_subscription_required');
  });

  it('subscribes the agency (201, recorded on the employer stream) and then funds', async () => {
    const { employer, fund } = await employerWithMilestone(true);
    const subscribed = await subscribe(employer, 'agency_basic');
    expect(subscribed.status).toBe(201);
    expect(subscribed.body).toMatchObject({
      employerId: employer.id,
      accountType: 'agency',
      mayFund: true,
      position: expect.any(String),
      subscription: {
        planId: 'agency_basic', planName: 'Agency Basic', monthlyPrice: '99.00', currency: 'USD',
        subscriptionId: expect.stringMatching(/^sub_/), status: 'active', active: true,
        currentPeriodEnd: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), providerInvoiceId: expect.stringMatching(/^in_/),
      },
    });
    expect(await employerEvents(employer.id)).toEqual(['EmployerPaymentMethodAttached', 'EmployerAccountTypeSet', 'EmployerSubscriptionStarted']);
    const funded = await fund();
    expect(funded.status).toBe(202);
    for (const as of [employer, finance, support]) {
      const read = await app.api.request('GET', `/v1/employers/${employer.id}/subscription`, { as });
      expect(read.status).toBe(200);
      expect(read.body).toEqual({ employerId: employer.id, accountType: 'agency', mayFund: true, subscription: subscribed.body.subscription });
    }
  });

  it('leaves a standard (non-agency) account unaffected: it funds without a plan', async () => {
    const { employer, fund } = await employerWithMilestone(false);
    expect((await fund()).status).toBe(202);
    const read = await app.api.request('GET', `/v1/employers/${employer.id}/subscription`, { as: employer });
    expect(read.body).toEqual({ employerId: employer.id, accountType: 'standard', mayFund: true, subscription: null });
  });

  it('a retry under the same Idempotency-Key, and a repeat without one, subscribe once at the provider', async () => {
    const { employer } = await employerWithMilestone(true);
    const first = await subscribe(employer, 'agency_pro', 'sub-key-1');
    expect(first.status).toBe(201);
    const replayed = await subscribe(employer, 'agency_pro', 'sub-key-1');
    expect(replayed.status).toBe(201);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.body).toEqual(first.body);
    const repeated = await subscribe(employer, 'agency_pro');
    expect(repeated.body.subscription.subscriptionId).toBe(first.body.subscription.subscriptionId);
    expect(await subscriptionsAtProvider(employer.id)).toBe(1);
    expect((await employerEvents(employer.id)).filter((type) => type === 'EmployerSubscriptionStarted')).toHaveLength(1);
  });

  it('refuses an unknown plan (422) and a malformed planId (400), naming planId, writing nothing', async () => {
    const { employer } = await employerWithMilestone(true);
    const unknown = await refused(() => subscribe(employer, 'agency_gold'), 422, /^planId: agency_gold is not a subscription plan; plans: agency_basic, agency_pro$/);
    expect(unknown.body.code).toBe('unknown_plan');
    for (const planId of [undefined, '', 'Agency Basic', 42, null]) await refused(() => subscribe(employer, planId), 400, /planId/);
    expect(await subscriptionsAtProvider(employer.id)).toBe(0);
  });

  it('refuses another plan while one is active (409), another employer (403), staff subscribing (403)', async () => {
    const { employer } = await employerWithMilestone(true);
    expect((await subscribe(employer, 'agency_basic')).status).toBe(201);
    await refused(() => subscribe(employer, 'agency_pro'), 409, 'already has an active subscription to plan agency_basic');
    const stranger = freshEmployer();
    await refused(() => post(`/v1/employers/${employer.id}/subscription`, stranger, { planId: 'agency_basic' }), 403, 'an employer can only subscribe itself to a plan');
    await refused(() => post(`/v1/employers/${employer.id}/subscription`, support, { planId: 'agency_basic' }), 403, /./);
    expect((await app.api.request('GET', `/v1/employers/${employer.id}/subscription`, { as: stranger })).status).toBe(403);
    expect((await app.api.request('GET', `/v1/employers/${employer.id}/subscription`, { as: freshTrainer() })).status).toBe(403);
    expect(await subscriptionsAtProvider(employer.id)).toBe(1);
  });

  it('refuses subscribing without a payment method on file (422) and account types from anyone but staff', async () => {
    const employer = freshEmployer();
    await refused(() => subscribe(employer, 'agency_basic'), 422, 'no payment method on file');
    await refused(() => post(`/v1/employers/${employer.id}/account-type`, employer, { accountType: 'standard' }), 403, /./);
    await refused(() => post(`/v1/employers/${employer.id}/account-type`, finance, { accountType: 'reseller' }), 400, /^accountType: must be one of standard, agency$/);
  });

  it("keeps subscription billing apart: the agency's invoices and the ledger's balances are unchanged by it", async () => {
    const { employer, contractId, milestoneId, fund } = await employerWithMilestone(true);
    const settled = async () => {
      const head = await app.store.headPosition();
      return eventually(async () => {
        const current = await app.api.request('GET', '/v1/ledger/trial-balance', { as: finance });
        return current.body.position === head ? current.body : undefined;
      }, 'the trial balance to reach the head');
    };
    const before = await settled();
    const subscribed = await subscribe(employer, 'agency_basic');
    expect(subscribed.status).toBe(201);
    const after = await settled();
    expect(after.accounts).toEqual(before.accounts);
    expect((await app.api.request('GET', '/v1/invoices', { as: employer })).body.invoices).toEqual([]);

    expect((await fund()).status).toBe(202);
    const invoices = await eventually(async () => {
      const listed = await app.api.request('GET', '/v1/invoices', { as: employer });
      return listed.body?.invoices?.length === 1 ? (listed.body.invoices as Record<string, any>[]) : undefined;
    }, 'the funding invoice');
    expect(invoices[0]).toMatchObject({ contractId, milestoneId, series: expect.stringMatching(/^E-/) });
    expect(JSON.stringify(invoices)).not.toContain(subscribed.body.subscription.providerInvoiceId);
    expect(JSON.stringify(invoices)).not.toContain(subscribed.body.subscription.subscriptionId);
  });
});
