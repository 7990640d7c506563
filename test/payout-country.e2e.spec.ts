import { randomUUID } from 'node:crypto';
import { SimulatedPaymentGateway, type PaymentGateway } from '@escrow/payments';
import { defaultPayoutCountries, PAYMENT_GATEWAY } from '@escrow/runtime';
import { type HttpResponse, withApp } from './support/app';
import { describeEachDatabase } from './support/databases';
import { expectError, expectRefusedWithoutWrites, freshTrainer } from './support/api-checks';
import { startStripeTestServer, type StripeTestServer } from './stripe-server';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The message names `country` as one of its "<path>: <problem>" parts. */
const namesCountry = /(^|; )country: \S/;

describeEachDatabase('trainer payout country (simulated gateway, default list)', (target) => {
  const app = withApp(target);
  const refused = (call: () => Promise<HttpResponse>, status: number, message: RegExp | string) =>
    expectRefusedWithoutWrites(app.db, app.store, call, status, message);
  const onboard = (trainer: ReturnType<typeof freshTrainer>, body: unknown) =>
    app.api.request('POST', `/v1/trainers/${trainer.id}/payout-account`, { as: trainer, body });
  const connectedEvents = async (trainerId: string) =>
    (await app.store.readStream(`trainer-${trainerId}`)).filter((e) => e.type === 'TrainerPayoutAccountConnected');

  it('opens the account in the country given, answers it and records it (event v2)', async () => {
    const trainer = freshTrainer();
    const connected = await onboard(trainer, { country: 'DE' });
    expect(connected.status).toBe(200);
    expect(connected.body).toMatchObject({ trainerId: trainer.id, accountId: expect.stringMatching(/^acct_/), country: 'DE', payoutsEnabled: true });
    const [event, ...more] = await connectedEvents(trainer.id);
    expect(more).toEqual([]);
    expect(event!.data).toEqual({ trainerId: trainer.id, accountId: connected.body.accountId, payoutsEnabled: true, country: 'DE' });
    expect(event!.metadata).toMatchObject({ schemaVersion: 2 });
  });

  it('without a country opens a new account in the US, as before countries were taken', async () => {
    const trainer = freshTrainer();
    // null, like every optional field, reads as not given.
    for (const body of [{}, undefined, { country: null }]) {
      const connected = await onboard(trainer, body);
      expect(connected.status).toBe(200);
      expect(connected.body.country).toBe('US');
    }
    expect((await connectedEvents(trainer.id)).map((e) => (e.data as { country: string }).country)).toEqual(['US']);
  });

  it.each([
    { what: 'lower case', country: 'de' },
    { what: 'three letters', country: 'DEU' },
    { what: 'a name', country: 'Germany' },
    { what: 'empty', country: '' },
    { what: 'a number', country: 49 },
  ])('refuses a malformed country ($what) with 400 naming country, writing nothing', async ({ country }) => {
    const trainer = freshTrainer();
    await refused(() => onboard(trainer, { country }), 400, namesCountry);
    expect(await connectedEvents(trainer.id)).toEqual([]);
  });

  it.each(['IN', 'BR', 'JP', 'NG', 'XX'])('refuses %s, well-formed but not a supported payout country, with 422 naming it', async (country) => {
    const trainer = freshTrainer();
    const response = await refused(() => onboard(trainer, { country }), 422, new RegExp(`^country: ${country} is not a supported payout country; supported: US, GB`));
    expect(response.body.code).toBe('payout_country_unsupported');
    expect(await connectedEvents(trainer.id)).toEqual([]);
    // Nothing was opened at the provider either: the supported country afterwards opens the trainer's first account.
    expect((await onboard(trainer, { country: 'GB' })).body.country).toBe('GB');
  });

  it("keeps an account's country: the same country or none gives a fresh link, another is a 409 naming both", async () => {
    const trainer = freshTrainer();
    const opened = await onboard(trainer, { country: 'FR' });
    expect(opened.body.country).toBe('FR');
    for (const body of [{}, { country: 'FR' }]) {
      expect((await onboard(trainer, body)).body).toMatchObject({ accountId: opened.body.accountId, country: 'FR' });
    }
    const response = await refused(() => onboard(trainer, { country: 'IE' }), 409, `country: trainer ${trainer.id}'s payout account ${opened.body.accountId} is in FR; an account's country cannot change to IE`);
    expect(response.body.code).toBe('payout_country_mismatch');
    expect(await connectedEvents(trainer.id)).toHaveLength(1);
  });

  it('after a crash between opening the account and recording it, the account keeps its country: another is a 409 naming it', async () => {
    const trainer = freshTrainer();
    // The provider call of a request that then died: the account is open, the log never heard of it.
    const gateway = app.api.app.get<PaymentGateway>(PAYMENT_GATEWAY);
    const { accountId } = await gateway.createPayoutAccount({ idempotencyKey: `payout-account:${trainer.id}`, trainerId: trainer.id, accountId: null, country: 'DE' });
    const response = await refused(() => onboard(trainer, { country: 'FR' }), 409, `country: trainer ${trainer.id}'s payout account ${accountId} is in DE; an account's country cannot change to FR`);
    expect(response.body.code).toBe('payout_country_mismatch');
    // Asked again in its own country: that account is recorded, no second one opened.
    expect((await onboard(trainer, { country: 'DE' })).body).toMatchObject({ accountId, country: 'DE' });
    expect((await connectedEvents(trainer.id)).map((e) => e.data)).toEqual([{ trainerId: trainer.id, accountId, payoutsEnabled: true, country: 'DE' }]);
  });

  it('reads an account recorded before countries (event v1) as a US account', async () => {
    const trainer = freshTrainer();
    const gateway = await SimulatedPaymentGateway.open(app.db);
    // The account as the simulated provider opened it back then, under the route's own key.
    const { accountId } = await gateway.createPayoutAccount({ idempotencyKey: `payout-account:${trainer.id}`, trainerId: trainer.id, country: 'US' });
    const eventId = randomUUID();
    await app.store.append(
      `trainer-${trainer.id}`,
      [{
        eventId,
        type: 'TrainerPayoutAccountConnected',
        data: { trainerId: trainer.id, accountId, payoutsEnabled: true },
        metadata: { eventId, trainerId: trainer.id, actor: trainer, correlationId: eventId, causationId: eventId, occurredAt: new Date().toISOString(), schemaVersion: 1 },
      }],
      'no_stream',
    );
    const again = await onboard(trainer, {});
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ accountId, country: 'US' });
    // Nothing new to record: the v1 event, read as v2, already says US.
    expect(await connectedEvents(trainer.id)).toHaveLength(1);
    await refused(() => onboard(trainer, { country: 'GB' }), 409, new RegExp(`${escapeRegExp(accountId)} is in US`));
  });
});

describeEachDatabase('trainer payout country (configured list)', (target) => {
  const app = withApp(target, { env: { PAYOUT_COUNTRIES: 'GB,DE' } });

  it('follows PAYOUT_COUNTRIES: a listed country opens, the US default is refused naming it', async () => {
    expect(app.api.config.payoutCountries).toEqual(['GB', 'DE']);
    expect(defaultPayoutCountries).toContain('US');
    const listed = freshTrainer();
    expect((await app.api.request('POST', `/v1/trainers/${listed.id}/payout-account`, { as: listed, body: { country: 'DE' } })).body.country).toBe('DE');
    const defaulted = freshTrainer();
    const response = await expectRefusedWithoutWrites(app.db, app.store,
      () => app.api.request('POST', `/v1/trainers/${defaulted.id}/payout-account`, { as: defaulted, body: {} }),
      422, 'country: US (the default when no country is given) is not a supported payout country; supported: GB, DE');
    expect(response.body.code).toBe('payout_country_unsupported');
    const unlisted = freshTrainer();
    expectError(await app.api.request('POST', `/v1/trainers/${unlisted.id}/payout-account`, { as: unlisted, body: { country: 'FR' } }), 422, /^country: FR is not/);
  });

  it('still gives a fresh link for an account opened in a country since taken off the list', async () => {
    const trainer = freshTrainer();
    const gateway = await SimulatedPaymentGateway.open(app.db);
    const { accountId } = await gateway.createPayoutAccount({ idempotencyKey: `payout-account:${trainer.id}`, trainerId: trainer.id, country: 'FR' });
    const eventId = randomUUID();
    await app.store.append(
      `trainer-${trainer.id}`,
      [{
        eventId,
        type: 'TrainerPayoutAccountConnected',
        data: { trainerId: trainer.id, accountId, payoutsEnabled: true, country: 'FR' },
        metadata: { eventId, trainerId: trainer.id, actor: trainer, correlationId: eventId, causationId: eventId, occurredAt: new Date().toISOString(), schemaVersion: 2 },
      }],
      'no_stream',
    );
    const onboard = (body: unknown) => app.api.request('POST', `/v1/trainers/${trainer.id}/payout-account`, { as: trainer, body });
    for (const body of [{}, { country: 'FR' }]) expect((await onboard(body)).body).toMatchObject({ accountId, country: 'FR' });
    // Another country: unsupported is said first (422), a supported one is still no move (409).
    await expectRefusedWithoutWrites(app.db, app.store, () => onboard({ country: 'IN' }), 422, /^country: IN is not a supported payout country/);
    await expectRefusedWithoutWrites(app.db, app.store, () => onboard({ country: 'DE' }), 409, /is in FR; an account's country cannot change to DE$/);
  });
});

describeEachDatabase('trainer payout country (Stripe adapter)', (target) => {
  let stripe: StripeTestServer;
  const secretKey = 'sk_test_escrowLedgerPayoutCountry';
  beforeAll(async () => {
    stripe = await startStripeTestServer({ processingSettleMs: null });
  });
  const app = withApp(target, () => ({
    env: { STRIPE_SECRET_KEY: secretKey, STRIPE_WEBHOOK_SECRET: 'whsec_escrowLedgerPayoutCountry', STRIPE_API_BASE: stripe.url, STRIPE_TIMEOUT_MS: '5000' },
  }));
  afterAll(async () => {
    await stripe.close();
  });

  it('opens the Express account in that country at Stripe, and refuses an unsupported one before calling Stripe', async () => {
    const trainer = freshTrainer();
    const connected = await app.api.request('POST', `/v1/trainers/${trainer.id}/payout-account`, { as: trainer, body: { country: 'GB' } });
    expect(connected.status).toBe(200);
    expect(connected.body).toMatchObject({ accountId: expect.stringMatching(/^acct_/), country: 'GB', payoutsEnabled: false });
    const account = await (await fetch(`${stripe.url}/v1/accounts/${connected.body.accountId}`, { headers: { authorization: `Bearer ${secretKey}` } })).json();
    expect(account).toMatchObject({ object: 'account', type: 'express', country: 'GB', metadata: { trainerId: trainer.id } });
    const [event] = (await app.store.readStream(`trainer-${trainer.id}`)).filter((e) => e.type === 'TrainerPayoutAccountConnected');
    expect(event!.data).toMatchObject({ country: 'GB' });

    const accountsCreated = () => stripe.requests().filter((r) => r.method === 'POST' && r.path === '/v1/accounts').length;
    const before = accountsCreated();
    const other = freshTrainer();
    await expectRefusedWithoutWrites(app.db, app.store,
      () => app.api.request('POST', `/v1/trainers/${other.id}/payout-account`, { as: other, body: { country: 'IN' } }), 422, /^country: IN is not a supported payout country/);
    expect(accountsCreated()).toBe(before);
  });

  it('after a crash between opening the account at Stripe and recording it, another country is a 409, the same one records that account', async () => {
    const trainer = freshTrainer();
    const gateway = app.api.app.get<PaymentGateway>(PAYMENT_GATEWAY);
    const { accountId } = await gateway.createPayoutAccount({ idempotencyKey: `payout-account:${trainer.id}`, trainerId: trainer.id, accountId: null, country: 'DE' });
    // Stripe refuses the trainer's key with another country (a reused key): the caller's 409, not a 5xx.
    const response = await expectRefusedWithoutWrites(app.db, app.store,
      () => app.api.request('POST', `/v1/trainers/${trainer.id}/payout-account`, { as: trainer, body: { country: 'FR' } }),
      409, `country: trainer ${trainer.id}'s payout account was opened by an earlier request in another country than FR; an account's country cannot change (ask again with that country)`);
    expect(response.body.code).toBe('payout_country_mismatch');
    const again = await app.api.request('POST', `/v1/trainers/${trainer.id}/payout-account`, { as: trainer, body: { country: 'DE' } });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ accountId, country: 'DE' });
  });
});
