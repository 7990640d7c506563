import type { Actor } from '@escrow/domain';
import { comparePositions } from '@escrow/event-store';
import { SimulatedPaymentGateway, StripeWebhookInbox } from '@escrow/payments';
import { nowSeconds, signedDelivery, stripeEventFixture } from '../libs/payments/src/webhooks/testing/stripe-event.fixture';
import { eventually, type HttpResponse, withApp } from './support/app';
import { subscribedAgency as subscribedAgencyOf } from './support/agency';
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
    // Every committed event (readers of a shared server may not see the newest yet, and the
    // ledger may pass the head seen then in one batch: at or past it, not equal to it).
    const settled = async () => {
      const head = await app.store.committedHeadPosition();
      return eventually(async () => {
        const current = await app.api.request('GET', '/v1/ledger/trial-balance', { as: finance });
        return comparePositions(current.body.position, head) >= 0 ? current.body : undefined;
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

const webhookSecret = 'whsec_escrowLedgerSubscriptionLifecycle';

/**
 * After the subscription starts: Stripe's signed webhooks (sent here as Stripe signs them) lapse,
 * restore and end it, and the employer cancels it. Payments are simulated; webhooks are enabled.
 */
describeEachDatabase('agency subscription lifecycle (simulated gateway, signed webhooks)', (target) => {
  const app = withApp(target, async (db) => ({
    env: { STRIPE_SECRET_KEY: 'sk_test_escrowLedgerLifecycle', STRIPE_WEBHOOK_SECRET: webhookSecret },
    gateway: await SimulatedPaymentGateway.open(db),
  }));
  let inbox: StripeWebhookInbox;
  beforeAll(() => {
    inbox = new StripeWebhookInbox(app.db);
  });

  const post = (path: string, as: Actor, body: unknown) => app.api.request('POST', path, { as, body });
  const cancel = (employer: Actor, as: Actor = employer, key?: string) =>
    app.api.request('DELETE', `/v1/employers/${employer.id}/subscription`, { as, headers: key === undefined ? {} : { 'idempotency-key': key } });
  const readSubscription = async (employer: Actor) => (await app.api.request('GET', `/v1/employers/${employer.id}/subscription`, { as: employer })).body;
  const subscriptionEvents = async (employerId: string) =>
    (await app.store.readStream(`employer-${employerId}`)).filter((event) => event.type.startsWith('EmployerSubscription')).map(({ type, data }) => ({ type, data }));

  const subscribedAgency = () => subscribedAgencyOf(app.api, support);

  /** Stripe's subscription object as its webhooks carry it (the fields the ledger reads, and ours stamped on it). */
  function stripeSubscription(employerId: string | null, subscriptionId: string, fields: { status: string; periodEnd?: string; invoice?: string; canceledAt?: number }) {
    const periodEnd = Math.floor(Date.parse(fields.periodEnd ?? '2027-01-05T08:00:00.000Z') / 1000);
    return {
      id: subscriptionId, object: 'subscription', status: fields.status, customer: 'cus_x',
      metadata: employerId === null ? {} : { employerId, planId: 'agency_basic' },
      items: { object: 'list', data: [{ id: 'si_1', object: 'subscription_item', current_period_end: periodEnd, current_period_start: periodEnd - 2_678_400 }] },
      latest_invoice: fields.invoice ?? 'in_next', canceled_at: fields.canceledAt ?? null, ended_at: fields.canceledAt ?? null,
    };
  }

  /** Delivers a signed event as Stripe does and waits until the webhook processor has handled it. */
  async function deliver(type: string, object: object, createdSeconds = nowSeconds(), body?: string) {
    const payload = body ?? JSON.stringify({ ...stripeEventFixture({ type, created: createdSeconds }), data: { object } });
    const { signature } = signedDelivery(payload, webhookSecret);
    const response = await app.api.request('POST', '/v1/webhooks/stripe', { body: payload, headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature } });
    expect(response.status).toBe(200);
    const id = (JSON.parse(payload) as { id: string }).id;
    const handled = await eventually(async () => {
      const row = await inbox.get(id);
      return row !== null && row.status !== 'pending' ? row : undefined;
    }, `Stripe event ${id} to be handled`);
    return { payload, duplicate: (response.body as { duplicate: boolean }).duplicate, handled };
  }

  it('a signed customer.subscription.updated to past_due refuses funding (422 agency_subscription_required); back to active funds again', async () => {
    const { employer, subscription, fund } = await subscribedAgency();
    const lapsed = await deliver('customer.subscription.updated', stripeSubscription(employer.id, subscription.subscriptionId, { status: 'past_due', invoice: 'in_unpaid' }), nowSeconds() - 30);
    expect(lapsed.handled).toMatchObject({ status: 'processed', outcome: 'RecordSubscriptionUpdate: 1 event(s) appended' });
    expect(await readSubscription(employer)).toMatchObject({ mayFund: false, subscription: { status: 'past_due', active: false, providerInvoiceId: 'in_unpaid', canceledAt: null } });
    const refused = await expectRefusedWithoutWrites(app.db, app.store, fund, 422, `employer ${employer.id} is an agency account without an active subscription plan`);
    expect(refused.body.code).toBe('agency_subscription_required');
    // The lapsed subscription may still bill: a second one beside it is refused before the provider is asked.
    const second = await expectRefusedWithoutWrites(app.db, app.store, () => post(`/v1/employers/${employer.id}/subscription`, employer, { planId: 'agency_pro' }), 409, `subscription ${subscription.subscriptionId} (past_due) still open`);
    expect(second.body.code).toBe('subscription_exists');

    const paid = { status: 'active', periodEnd: '2027-02-05T08:00:00.000Z', invoice: 'in_paid' };
    await deliver('customer.subscription.updated', stripeSubscription(employer.id, subscription.subscriptionId, paid));
    expect(await readSubscription(employer)).toMatchObject({
      mayFund: true, subscription: { status: 'active', active: true, currentPeriodEnd: '2027-02-05T08:00:00.000Z', providerInvoiceId: 'in_paid' },
    });
    expect((await fund()).status).toBe(202);
    expect((await subscriptionEvents(employer.id)).map((event) => [event.type, (event.data as { status?: string }).status])).toEqual([
      ['EmployerSubscriptionStarted', 'active'], ['EmployerSubscriptionUpdated', 'past_due'], ['EmployerSubscriptionUpdated', 'active'],
    ]);
  });

  it('records nothing for an update older than the last one applied, nor twice for a redelivered webhook', async () => {
    const { employer, subscription } = await subscribedAgency();
    const now = nowSeconds();
    const newer = await deliver('customer.subscription.updated', stripeSubscription(employer.id, subscription.subscriptionId, { status: 'past_due' }), now);
    const recorded = await subscriptionEvents(employer.id);
    expect(recorded.at(-1)).toEqual({
      type: 'EmployerSubscriptionUpdated',
      data: {
        employerId: employer.id, subscriptionId: subscription.subscriptionId, status: 'past_due', currentPeriodEnd: '2027-01-05T08:00:00.000Z',
        latestInvoiceId: 'in_next', providerEventAt: new Date(now * 1000).toISOString(),
      },
    });

    // Stripe sent this one first, but it arrives late: the newer lapse stands.
    const older = await deliver('customer.subscription.updated', stripeSubscription(employer.id, subscription.subscriptionId, { status: 'active' }), now - 120);
    expect(older.handled).toMatchObject({ status: 'processed', outcome: 'RecordSubscriptionUpdate: already recorded, nothing new' });
    // The same delivery again (same event id) is a duplicate; the same news as a new event records nothing either.
    expect((await deliver('customer.subscription.updated', {}, now, newer.payload)).duplicate).toBe(true);
    const again = await deliver('customer.subscription.updated', stripeSubscription(employer.id, subscription.subscriptionId, { status: 'past_due' }), now + 1);
    expect(again.handled.outcome).toBe('RecordSubscriptionUpdate: already recorded, nothing new');
    expect(await subscriptionEvents(employer.id)).toEqual(recorded);
    expect(await readSubscription(employer)).toMatchObject({ mayFund: false, subscription: { status: 'past_due' } });
  });

  it('customer.subscription.deleted cancels it (by the provider): no funding, GET shows it canceled; updates after it record nothing', async () => {
    const { employer, subscription, fund } = await subscribedAgency();
    const canceledAt = nowSeconds() - 5;
    const deleted = await deliver('customer.subscription.deleted', stripeSubscription(employer.id, subscription.subscriptionId, { status: 'canceled', canceledAt }));
    expect(deleted.handled).toMatchObject({ status: 'processed', outcome: 'RecordSubscriptionCanceled: 1 event(s) appended' });
    const canceledIso = new Date(canceledAt * 1000).toISOString();
    expect(await readSubscription(employer)).toMatchObject({
      mayFund: false, subscription: { subscriptionId: subscription.subscriptionId, status: 'canceled', active: false, canceledAt: canceledIso, canceledBy: 'provider' },
    });
    expect((await expectRefusedWithoutWrites(app.db, app.store, fund, 422, 'without an active subscription plan')).body.code).toBe('agency_subscription_required');
    const late = await deliver('customer.subscription.updated', stripeSubscription(employer.id, subscription.subscriptionId, { status: 'active' }), nowSeconds() + 1);
    expect(late.handled.outcome).toBe('RecordSubscriptionUpdate: already recorded, nothing new');
    expect((await subscriptionEvents(employer.id)).map((event) => event.type)).toEqual(['EmployerSubscriptionStarted', 'EmployerSubscriptionCanceled']);
  });

  it('ignores, with a reason, a subscription that names no employer of ours', async () => {
    const { handled } = await deliver('customer.subscription.updated', stripeSubscription(null, 'sub_notOurs', { status: 'past_due' }));
    expect(handled).toMatchObject({ status: 'ignored', outcome: 'subscription sub_notOurs names no employer of ours (no metadata.employerId)' });
  });

  it('the employer cancels with DELETE; a repeat and a replayed Idempotency-Key answer the same canceled state; the provider cancels once', async () => {
    const { employer, subscription, fund } = await subscribedAgency();
    const canceled = await cancel(employer, employer, 'cancel-1');
    expect(canceled.status).toBe(200);
    expect(canceled.body).toMatchObject({
      employerId: employer.id, accountType: 'agency', mayFund: false, position: expect.any(String),
      subscription: { subscriptionId: subscription.subscriptionId, status: 'canceled', active: false, canceledAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), canceledBy: 'employer' },
    });
    const replayed = await cancel(employer, employer, 'cancel-1');
    expect(replayed.status).toBe(200);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.body).toEqual(canceled.body);
    const repeated = await cancel(employer);
    expect(repeated.status).toBe(200);
    expect(repeated.body).toEqual({ ...canceled.body, position: null });
    expect(await readSubscription(employer)).toEqual({ ...canceled.body, position: undefined });

    const { rows } = await app.db.query<{ status: string; n: number }>(
      `select s.status, (select count(*)::int from simgw_idempotency where kind = 'subscription_cancel' and idempotency_key like $2) as n
       from simgw_subscriptions s where s.subscription_id = $1`,
      [subscription.subscriptionId, `subscription-cancel:${employer.id}:%`],
    );
    expect(rows).toEqual([{ status: 'canceled', n: 1 }]);
    expect((await subscriptionEvents(employer.id)).at(-1)).toEqual({
      type: 'EmployerSubscriptionCanceled',
      data: { employerId: employer.id, subscriptionId: subscription.subscriptionId, canceledAt: canceled.body.subscription.canceledAt, by: 'employer' },
    });
    expect((await expectRefusedWithoutWrites(app.db, app.store, fund, 422, 'without an active subscription plan')).body.code).toBe('agency_subscription_required');
  });

  it('refuses a cancel without a subscription (404 subscription_not_found) and from anyone but the employer itself (403), writing nothing', async () => {
    const unsubscribed = freshEmployer();
    const none = await expectRefusedWithoutWrites(app.db, app.store, () => cancel(unsubscribed), 404, `employer ${unsubscribed.id} has no subscription to cancel`);
    expect(none.body.code).toBe('subscription_not_found');
    const { employer } = await subscribedAgency();
    await expectRefusedWithoutWrites(app.db, app.store, () => cancel(employer, freshEmployer()), 403, 'an employer can only cancel its own subscription');
    for (const staff of [support, finance]) await expectRefusedWithoutWrites(app.db, app.store, () => cancel(employer, staff), 403, /./);
    expect(await readSubscription(employer)).toMatchObject({ subscription: { status: 'active', canceledAt: null } });
  });

  it('after a cancel, subscribing again starts a new subscription at the provider, and the agency funds under it', async () => {
    const { employer, subscription, fund } = await subscribedAgency();
    expect((await cancel(employer)).status).toBe(200);
    const again = await post(`/v1/employers/${employer.id}/subscription`, employer, { planId: 'agency_basic' });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ mayFund: true, subscription: { status: 'active', active: true, canceledAt: null, canceledBy: null } });
    expect(again.body.subscription.subscriptionId).not.toBe(subscription.subscriptionId);
    // Webhooks about the old subscription are history now: they change nothing.
    const old = await deliver('customer.subscription.updated', stripeSubscription(employer.id, subscription.subscriptionId, { status: 'past_due' }));
    expect(old.handled.outcome).toBe('RecordSubscriptionUpdate: already recorded, nothing new');
    expect((await fund()).status).toBe(202);
    expect((await subscriptionEvents(employer.id)).map((event) => event.type)).toEqual([
      'EmployerSubscriptionStarted', 'EmployerSubscriptionCanceled', 'EmployerSubscriptionStarted',
    ]);
  });
});
