import type { Actor } from '@escrow/domain';
import jwt from 'jsonwebtoken';
import { eventually, startApp, testAuthSecret, type HttpResponse, type RunningApp, withApp } from './support/app';
import { describeEachDatabase } from './support/databases';
import { expectError, freshEmployer, freshTrainer, validHire, expectRefusedWithoutWrites } from './support/api-checks';


const supportActor: Actor = { role: 'support', id: 'sup_auth' };
const financeActor: Actor = { role: 'finance', id: 'fin_auth' };
const serviceActor: Actor = { role: 'service', id: 'svc_auth' };

const nowS = () => Math.floor(Date.now() / 1000);
/** Exactly these claims, signed with the test secret: what a careless or hostile issuer could send. */
const signedClaims = (claims: Record<string, unknown>) => {
  const present = Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
  // noTimestamp would drop a given iat too: use it only to send a token without iat.
  return `Bearer ${jwt.sign(present, testAuthSecret, { algorithm: 'HS256', noTimestamp: present.iat === undefined })}`;
};
const employerClaims = (extra: Record<string, unknown> = {}) => ({ role: 'employer', sub: freshEmployer().id, iat: nowS(), exp: nowS() + 3_600, ...extra });

/** Subjects that are not party ids: each once became a stored party id, or a 500 (NUL). */
const hostileSubjects: ReadonlyArray<{ what: string; sub: unknown }> = [
  { what: 'a NUL byte', sub: 'emp_\u0000x' },
  { what: 'a path', sub: '../x' },
  { what: 'SQL', sub: "' OR 1=1 --" },
  { what: 'a trailing space', sub: 'emp_1 ' },
  { what: '65 characters', sub: 'e'.repeat(65) },
  { what: 'nothing', sub: '' },
  { what: 'a number', sub: 42 },
];

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

/** Authorization headers that must all be refused with 401, whatever the request. */
const badCredentials: ReadonlyArray<{ what: string; header: (actor: Actor) => string | undefined }> = [
  { what: 'no Authorization header', header: () => undefined },
  { what: 'a garbage bearer token', header: () => 'Bearer garbage' },
  { what: 'an empty bearer token', header: () => 'Bearer ' },
  { what: 'a token under another scheme', header: (a) => `Basic ${jwt.sign({ role: a.role }, testAuthSecret, { subject: a.id })}` },
  {
    what: 'a token signed with another secret',
    header: (a) => `Bearer ${jwt.sign({ role: a.role }, 'another-secret-that-is-long-enough-for-hs256-xyz', { subject: a.id, expiresIn: 3600 })}`,
  },
  {
    what: 'a token with alg none',
    header: (a) => `Bearer ${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ role: a.role, sub: a.id, exp: inAnHour() })}.`,
  },
  {
    what: 'a correctly signed token whose header was switched to alg none',
    header: (a) => {
      const [, payload, signature] = jwt.sign({ role: a.role }, testAuthSecret, { subject: a.id, expiresIn: 3600 }).split('.');
      return `Bearer ${base64url({ alg: 'none', typ: 'JWT' })}.${payload}.${signature}`;
    },
  },
  {
    what: 'a token whose payload was edited after signing',
    header: (a) => {
      const [header, , signature] = jwt.sign({ role: 'trainer' }, testAuthSecret, { subject: a.id, expiresIn: 3600 }).split('.');
      return `Bearer ${header}.${base64url({ role: a.role, sub: a.id, exp: inAnHour() })}.${signature}`;
    },
  },
  // 120 s: beyond the 60 s of clock skew that verification allows.
  { what: 'an expired token', header: (a) => `Bearer ${jwt.sign({ role: a.role, exp: Math.floor(Date.now() / 1000) - 120 }, testAuthSecret, { subject: a.id })}` },
  { what: 'a token with an unknown role', header: (a) => `Bearer ${jwt.sign({ role: 'admin' }, testAuthSecret, { subject: a.id, expiresIn: 3600 })}` },
  { what: 'a token without a subject', header: (a) => `Bearer ${jwt.sign({ role: a.role }, testAuthSecret, { expiresIn: 3600 })}` },
  { what: 'a token signed with HS512', header: (a) => `Bearer ${jwt.sign({ role: a.role }, testAuthSecret, { algorithm: 'HS512', subject: a.id, expiresIn: 3600 })}` },
];

describeEachDatabase('API authentication and authorization', (target) => {
  const app = withApp(target);

  const refused = (call: () => Promise<HttpResponse>, status: number, message: RegExp | string) =>
    expectRefusedWithoutWrites(app.db, app.store, call, status, message);

  const milestonePath = (cid: string, mid: string, action: string) => `/v1/contracts/${cid}/milestones/${mid}/${action}`;

  /** A contract of fresh parties; `at` brings its first milestone to that status (through the real saga). */
  async function contract(at: 'pending' | 'funded' | 'pending_approval' = 'pending') {
    const employer = freshEmployer();
    const trainer = freshTrainer();
    const attached = await app.api.request('POST', `/v1/employers/${employer.id}/payment-method`, { as: employer, body: { paymentMethodId: 'pm_card_visa' } });
    expect(attached.status).toBe(200);
    // With a payout account, an approval ends paid instead of retrying its payout in the background.
    const connected = await app.api.request('POST', `/v1/trainers/${trainer.id}/payout-account`, { as: trainer, body: {} });
    expect(connected.status).toBe(200);
    const hired = await app.api.request('POST', '/v1/contracts', { as: employer, body: validHire(trainer.id) });
    expect(hired.status).toBe(201);
    const { contractId, milestoneId } = hired.body as { contractId: string; milestoneId: string };
    if (at !== 'pending') {
      const funding = await app.api.request('POST', milestonePath(contractId, milestoneId, 'fund'), { as: employer, body: {} });
      expect(funding.status).toBe(202);
      await statusBecomes(contractId, milestoneId, 'funded');
    }
    if (at === 'pending_approval') {
      const requested = await app.api.request('POST', milestonePath(contractId, milestoneId, 'request-approval'), { as: trainer, body: {} });
      expect(requested.body).toMatchObject({ status: 'pending_approval' });
    }
    return { employer, trainer, contractId, milestoneId };
  }

  async function statusBecomes(contractId: string, milestoneId: string, status: string) {
    return eventually(async () => {
      const view = await app.api.request('GET', `/v1/contracts/${contractId}`, { as: supportActor });
      const milestone = view.body?.milestones?.find((m: { milestoneId: string }) => m.milestoneId === milestoneId);
      return milestone?.status === status ? milestone : undefined;
    }, `milestone ${milestoneId} to become ${status}`);
  }

  const rawRequest = (method: string, path: string, header: string | undefined, body?: unknown) =>
    app.api.request(method, path, { body, headers: header === undefined ? {} : { authorization: header } });

  describe('authentication (401)', () => {
    it.each(badCredentials)('POST /v1/contracts with $what → 401, nothing appended', async ({ header }) => {
      const employer = freshEmployer();
      await refused(() => rawRequest('POST', '/v1/contracts', header(employer), validHire(freshTrainer().id)), 401, /\S/);
    });

    it.each(badCredentials)('GET /v1/contracts/:cid with $what → 401, the contract not shown', async ({ header }) => {
      const { employer, contractId } = await contract();
      const response = await rawRequest('GET', `/v1/contracts/${contractId}`, header(employer));
      expectError(response, 401, /\S/);
      expect(JSON.stringify(response.body)).not.toContain('Reward model eval');
    });

    it.each(badCredentials)('POST .../fund with $what → 401, nothing appended', async ({ header }) => {
      const { employer, contractId, milestoneId } = await contract();
      await refused(() => rawRequest('POST', milestonePath(contractId, milestoneId, 'fund'), header(employer), {}), 401, /\S/);
    });

    it('names what is wrong: a missing token, an expired one, a bad signature', async () => {
      const employer = freshEmployer();
      expectError(await rawRequest('POST', '/v1/contracts', undefined, validHire('tr_x')), 401, /bearer token/i);
      const expired = badCredentials.find((c) => c.what === 'an expired token')!.header(employer);
      expectError(await rawRequest('POST', '/v1/contracts', expired, validHire('tr_x')), 401, /expired/);
      const otherSecret = badCredentials.find((c) => c.what === 'a token signed with another secret')!.header(employer);
      expectError(await rawRequest('POST', '/v1/contracts', otherSecret, validHire('tr_x')), 401, /signature/);
    });

    it('the same requests with a valid token are served (the refusals above are about the token)', async () => {
      const employer = freshEmployer();
      const valid = `Bearer ${app.api.token(employer.role, employer.id)}`;
      const hired = await rawRequest('POST', '/v1/contracts', valid, validHire(freshTrainer().id));
      expect(hired.status).toBe(201);
      const view = await rawRequest('GET', `/v1/contracts/${hired.body.contractId}`, valid);
      expect(view.status).toBe(200);
      expect(view.body).toMatchObject({ contractId: hired.body.contractId, employerId: employer.id });
    });

    it('health stays public', async () => {
      const health = await app.api.request('GET', '/health');
      expect(health.status).toBe(200);
      expect(health.body).toMatchObject({ status: 'ok' });
    });
  });

  /** A 401 is exactly {statusCode, error, message}, and the message names the problem. */
  const expectUnauthorized = (response: HttpResponse, message: RegExp) => {
    expectError(response, 401, message);
    expect(Object.keys(response.body).sort()).toEqual(['error', 'message', 'statusCode']);
  };

  describe('token claims (401)', () => {
    it.each(hostileSubjects)('a signed token whose sub is $what → 401 naming sub on every kind of route, nothing appended', async ({ sub }) => {
      const { contractId, milestoneId } = await contract();
      const header = signedClaims(employerClaims({ sub }));
      const calls: Array<() => Promise<HttpResponse>> = [
        () => rawRequest('POST', '/v1/contracts', header, validHire(freshTrainer().id)),
        () => rawRequest('POST', milestonePath(contractId, milestoneId, 'fund'), header, {}),
        () => rawRequest('GET', `/v1/contracts/${contractId}`, header),
        () => rawRequest('GET', '/v1/notifications', header),
        () => rawRequest('GET', '/v1/invoices', header),
        () => rawRequest('POST', '/v1/notifications/read-all', header, {}),
      ];
      for (const call of calls) {
        await refused(async () => {
          const response = await call();
          expectUnauthorized(response, /^invalid bearer token: sub must be 1 to 64 letters, digits, _ or -/);
          return response;
        }, 401, /sub/);
      }
    });

    it('a sub of the path-id alphabet is the party id, exactly', async () => {
      const sub = `emp-${'A1_'.repeat(20)}`;
      const hired = await rawRequest('POST', '/v1/contracts', signedClaims(employerClaims({ sub })), validHire(freshTrainer().id));
      expect(hired.status).toBe(201);
      const view = await eventually(async () => {
        const response = await app.api.request('GET', `/v1/contracts/${hired.body.contractId}`, { as: supportActor });
        return response.status === 200 ? response.body : undefined;
      }, 'the contract view');
      expect(view.employerId).toBe(sub);
    });

    it.each([
      { what: 'without exp', claims: () => employerClaims({ exp: undefined }), message: /^invalid bearer token: exp is required/ },
      { what: 'with exp 100 years ahead', claims: () => employerClaims({ exp: nowS() + 100 * 365 * 86_400 }), message: /lifetime/ },
      {
        what: 'with exp 100 years ahead and no iat',
        claims: () => employerClaims({ iat: undefined, exp: nowS() + 100 * 365 * 86_400 }),
        message: /lifetime/,
      },
      { what: 'with exp 25 h after iat', claims: () => employerClaims({ exp: nowS() + 25 * 3_600 }), message: /lifetime .*86400 s/ },
      { what: 'with iat 10 minutes in the future', claims: () => employerClaims({ iat: nowS() + 600 }), message: /iat is in the future/ },
      { what: 'with exp 120 s in the past', claims: () => employerClaims({ iat: nowS() - 3_600, exp: nowS() - 120 }), message: /exp: the token expired at/ },
      { what: 'with nbf 10 minutes in the future', claims: () => employerClaims({ nbf: nowS() + 600 }), message: /nbf: the token is not valid before/ },
    ])('a signed token $what → 401 naming the claim, nothing appended', async ({ claims, message }) => {
      await refused(async () => {
        const response = await rawRequest('POST', '/v1/contracts', signedClaims(claims()), validHire(freshTrainer().id));
        expectUnauthorized(response, message);
        return response;
      }, 401, message);
    });

    it.each([
      { what: 'exp 30 s in the past', extra: () => ({ iat: nowS() - 3_600, exp: nowS() - 30 }) },
      { what: 'iat 30 s in the future', extra: () => ({ iat: nowS() + 30 }) },
      { what: 'nbf 30 s in the future', extra: () => ({ nbf: nowS() + 30 }) },
      { what: 'a 24 h lifetime', extra: () => ({ iat: nowS(), exp: nowS() + 86_400 }) },
      { what: 'no iat and exp an hour ahead', extra: () => ({ iat: undefined }) },
    ])('a signed token with $what is accepted (clock skew of 60 s)', async ({ extra }) => {
      const hired = await rawRequest('POST', '/v1/contracts', signedClaims(employerClaims(extra())), validHire(freshTrainer().id));
      expect(hired.status).toBe(201);
    });

    it('every refusal of a bad credential is a 401 of exactly {statusCode, error, message} naming the problem', async () => {
      const employer = freshEmployer();
      const expected: Record<string, RegExp> = {
        'no Authorization header': /missing bearer token/,
        'a garbage bearer token': /malformed/,
        'an empty bearer token': /bearer token/,
        'a token under another scheme': /Bearer/,
        'a token signed with another secret': /signature/,
        'a token with alg none': /alg must be HS256: the token is not signed/,
        'a correctly signed token whose header was switched to alg none': /alg must be HS256/,
        'a token whose payload was edited after signing': /signature/,
        'an expired token': /expired/,
        'a token with an unknown role': /role must be one of/,
        'a token without a subject': /sub/,
        'a token signed with HS512': /alg must be HS256/,
      };
      for (const { what, header } of badCredentials) {
        expectUnauthorized(await rawRequest('GET', '/v1/notifications', header(employer)), expected[what]!);
      }
    });
  });

  describe('with AUTH_ISSUER and AUTH_AUDIENCE configured', () => {
    let issuing: RunningApp;
    const iss = 'https://auth.example.test/';
    const aud = 'escrow-api';

    beforeAll(async () => {
      // A second HTTP front on the same database; the first app's worker runs the sagas.
      issuing = await startApp(app.db, { env: { PROCESS_ROLE: 'api', AUTH_ISSUER: iss, AUTH_AUDIENCE: aud } });
    });
    afterAll(async () => {
      await issuing.close();
    });

    it('accepts the tokens it mints (they carry iss and aud)', async () => {
      const employer = freshEmployer();
      const token = issuing.token(employer.role, employer.id);
      expect(jwt.decode(token)).toMatchObject({ iss, aud, sub: employer.id });
      const hired = await issuing.request('POST', '/v1/contracts', { as: employer, body: validHire(freshTrainer().id) });
      expect(hired.status).toBe(201);
    });

    it.each([
      { what: 'no iss', extra: { aud }, message: /^invalid bearer token: iss must be "https:\/\/auth\.example\.test\/"/ },
      { what: 'another iss', extra: { iss: 'https://evil.example.test/', aud }, message: /iss must be/ },
      { what: 'no aud', extra: { iss }, message: /^invalid bearer token: aud must include "escrow-api"/ },
      { what: 'another aud', extra: { iss, aud: 'another-api' }, message: /aud must include "escrow-api"/ },
    ])('refuses a token with $what → 401 naming the claim, nothing appended', async ({ extra, message }) => {
      await refused(async () => {
        const response = await issuing.request('POST', '/v1/contracts', {
          headers: { authorization: signedClaims(employerClaims(extra)) },
          body: validHire(freshTrainer().id),
        });
        expectUnauthorized(response, message);
        return response;
      }, 401, message);
    });

    it('accepts aud given as a list that includes its audience', async () => {
      const hired = await issuing.request('POST', '/v1/contracts', {
        headers: { authorization: signedClaims(employerClaims({ iss, aud: ['another-api', aud] })) },
        body: validHire(freshTrainer().id),
      });
      expect(hired.status).toBe(201);
    });

    it('the app without that configuration ignores iss and aud', async () => {
      const hired = await rawRequest('POST', '/v1/contracts', signedClaims(employerClaims({ iss: 'anyone', aud: 'anything' })), validHire(freshTrainer().id));
      expect(hired.status).toBe(201);
    });
  });

  describe('roles and ownership (403)', () => {
    it.each([
      { who: 'a trainer', actor: freshTrainer },
      { who: 'support', actor: () => supportActor },
      { who: 'finance', actor: () => financeActor },
    ])('$who cannot hire → 403, nothing appended', async ({ actor }) => {
      await refused(() => app.api.request('POST', '/v1/contracts', { as: actor(), body: validHire(freshTrainer().id) }), 403, /employer/);
    });

    it.each([
      {
        action: 'fund',
        at: 'pending' as const,
        call: (cid: string, mid: string, as: Actor) => app.api.request('POST', milestonePath(cid, mid, 'fund'), { as, body: {} }),
        owner: { status: 202, body: { status: 'funding' } },
        settlesAs: 'funded',
      },
      {
        action: 'approve',
        at: 'pending_approval' as const,
        call: (cid: string, mid: string, as: Actor) => app.api.request('POST', milestonePath(cid, mid, 'approve'), { as, body: {} }),
        owner: { status: 200, body: { status: 'approved' } },
        settlesAs: 'paid',
      },
      {
        action: 'cancel',
        at: 'pending' as const,
        call: (cid: string, mid: string, as: Actor) => app.api.request('POST', milestonePath(cid, mid, 'cancel'), { as, body: {} }),
        owner: { status: 200, body: { status: 'cancelled' } },
        settlesAs: 'cancelled',
      },
      {
        action: 'add a milestone',
        at: 'pending' as const,
        call: (cid: string, _mid: string, as: Actor) => app.api.request('POST', `/v1/contracts/${cid}/milestones`, { as, body: { name: 'Batch 2', amount: '10.00' } }),
        owner: { status: 201, body: { milestoneId: expect.any(String) } },
        settlesAs: 'pending',
      },
    ])('another employer cannot $action → 403, nothing appended; the contract employer can', async ({ at, call, owner, settlesAs }) => {
      const { employer, contractId, milestoneId } = await contract(at);
      await refused(() => call(contractId, milestoneId, freshEmployer()), 403, /employer/);
      const allowed = await call(contractId, milestoneId, employer);
      expect({ status: allowed.status, body: allowed.body }).toMatchObject(owner);
      // Let the saga finish what the allowed command started, so no later test sees its events arrive.
      await statusBecomes(contractId, allowed.body.milestoneId ?? milestoneId, settlesAs);
    });

    it('another employer cannot archive → 403, nothing appended; the contract employer can', async () => {
      const { employer, contractId, milestoneId } = await contract();
      const cancelled = await app.api.request('POST', milestonePath(contractId, milestoneId, 'cancel'), { as: employer, body: {} });
      expect(cancelled.status).toBe(200);
      await refused(() => app.api.request('POST', `/v1/contracts/${contractId}/archive`, { as: freshEmployer(), body: {} }), 403, /employer/);
      const archived = await app.api.request('POST', `/v1/contracts/${contractId}/archive`, { as: employer, body: {} });
      expect({ status: archived.status, body: archived.body }).toMatchObject({ status: 200, body: { status: 'archived' } });
    });

    it('the trainer of the contract cannot fund, approve, cancel, archive or add milestones → 403', async () => {
      const { trainer, contractId, milestoneId } = await contract();
      for (const action of ['fund', 'approve', 'cancel']) {
        await refused(() => app.api.request('POST', milestonePath(contractId, milestoneId, action), { as: trainer, body: {} }), 403, /role trainer/);
      }
      await refused(() => app.api.request('POST', `/v1/contracts/${contractId}/archive`, { as: trainer, body: {} }), 403, /role trainer/);
      await refused(
        () => app.api.request('POST', `/v1/contracts/${contractId}/milestones`, { as: trainer, body: { name: 'Batch 2', amount: '10.00' } }),
        403,
        /role trainer/,
      );
    });

    it('the employer cannot request approval → 403, nothing appended; the trainer can', async () => {
      const { employer, trainer, contractId, milestoneId } = await contract('funded');
      await refused(() => app.api.request('POST', milestonePath(contractId, milestoneId, 'request-approval'), { as: employer, body: {} }), 403, /role employer/);
      const requested = await app.api.request('POST', milestonePath(contractId, milestoneId, 'request-approval'), { as: trainer, body: {} });
      expect(requested.body).toMatchObject({ status: 'pending_approval' });
    });

    it('a trainer of another contract cannot request approval → 403, nothing appended', async () => {
      const { contractId, milestoneId } = await contract('funded');
      const { trainer: outsider } = await contract();
      await refused(() => app.api.request('POST', milestonePath(contractId, milestoneId, 'request-approval'), { as: outsider, body: {} }), 403, /trainer/);
    });

    it.each([
      { who: 'a trainer of another contract', outsider: (other: { trainer: Actor }) => other.trainer },
      { who: 'an employer of another contract', outsider: (other: { employer: Actor }) => other.employer },
    ])('$who cannot dispute → 403, nothing appended; a party can', async ({ outsider }) => {
      const { trainer, contractId, milestoneId } = await contract('funded');
      const other = await contract();
      await refused(
        () => app.api.request('POST', milestonePath(contractId, milestoneId, 'dispute'), { as: outsider(other), body: { reason: 'not mine to dispute' } }),
        403,
        /employer or trainer/,
      );
      const disputed = await app.api.request('POST', milestonePath(contractId, milestoneId, 'dispute'), { as: trainer, body: { reason: 'scope changed' } });
      expect({ status: disputed.status, body: disputed.body }).toMatchObject({ status: 200, body: { status: 'disputed' } });
    });

    it('support and finance cannot run party commands → 403', async () => {
      const { contractId, milestoneId } = await contract();
      for (const actor of [supportActor, financeActor]) {
        for (const action of ['fund', 'cancel', 'approve', 'request-approval']) {
          await refused(() => app.api.request('POST', milestonePath(contractId, milestoneId, action), { as: actor, body: {} }), 403, `role ${actor.role}`);
        }
        await refused(() => app.api.request('POST', milestonePath(contractId, milestoneId, 'dispute'), { as: actor, body: { reason: 'x' } }), 403, `role ${actor.role}`);
      }
    });
  });

  describe('reading a contract', () => {
    it.each([
      { who: 'an unrelated employer', reader: () => freshEmployer() },
      { who: 'an unrelated trainer', reader: () => freshTrainer() },
      { who: 'a trainer whose id is the employer id', reader: (employer: Actor) => ({ role: 'trainer', id: employer.id }) as Actor },
      { who: 'an employer whose id is the trainer id', reader: (_: Actor, trainer: Actor) => ({ role: 'employer', id: trainer.id }) as Actor },
    ])('$who gets 403 on the view and on its history, without its content', async ({ reader }) => {
      const { employer, trainer, contractId } = await contract();
      const as = reader(employer, trainer);
      for (const path of [`/v1/contracts/${contractId}`, `/v1/contracts/${contractId}/events`]) {
        const response = await app.api.request('GET', path, { as });
        expectError(response, 403, /contract parties/);
        expect(JSON.stringify(response.body)).not.toContain('Reward model eval');
      }
    });

    it.each([
      { who: 'support', reader: () => supportActor },
      { who: 'finance', reader: () => financeActor },
      { who: 'a service', reader: () => serviceActor },
      { who: 'the employer', reader: (p: { employer: Actor }) => p.employer },
      { who: 'the trainer', reader: (p: { trainer: Actor }) => p.trainer },
    ])('$who gets 200 with the view and the history', async ({ reader }) => {
      const parties = await contract();
      const as = reader(parties);
      const view = await app.api.request('GET', `/v1/contracts/${parties.contractId}`, { as });
      expect(view.status).toBe(200);
      expect(view.body).toMatchObject({
        contractId: parties.contractId,
        employerId: parties.employer.id,
        trainerId: parties.trainer.id,
        projectName: 'Reward model eval',
        milestones: [{ milestoneId: parties.milestoneId, status: 'pending' }],
      });
      const history = await app.api.request('GET', `/v1/contracts/${parties.contractId}/events`, { as });
      expect(history.status).toBe(200);
      expect(history.body.events.map((e: { type: string }) => e.type)).toEqual(['ContractCreated', 'MilestoneCreated']);
    });
  });

  describe('billing accounts', () => {
    it('an employer cannot attach a payment method for another employer id → 403, nothing appended', async () => {
      const employer = freshEmployer();
      const victim = freshEmployer();
      await refused(
        () => app.api.request('POST', `/v1/employers/${victim.id}/payment-method`, { as: employer, body: { paymentMethodId: 'pm_card_visa' } }),
        403,
        /its own payment method/,
      );
      expect(await app.store.readStream(`employer-${victim.id}`)).toEqual([]);
      expect(await app.store.readStream(`employer-${employer.id}`)).toEqual([]);
    });

    it.each([
      { who: 'a trainer', actor: freshTrainer },
      { who: 'support', actor: () => supportActor },
    ])('$who cannot attach a payment method → 403, nothing appended', async ({ actor }) => {
      const victim = freshEmployer();
      await refused(() => app.api.request('POST', `/v1/employers/${victim.id}/payment-method`, { as: actor(), body: { paymentMethodId: 'pm_card_visa' } }), 403, /employer/);
      expect(await app.store.readStream(`employer-${victim.id}`)).toEqual([]);
    });

    it('an employer attaches its own payment method (200, one event in its stream)', async () => {
      const employer = freshEmployer();
      const attached = await app.api.request('POST', `/v1/employers/${employer.id}/payment-method`, { as: employer, body: { paymentMethodId: 'pm_card_visa' } });
      expect(attached.status).toBe(200);
      expect((await app.store.readStream(`employer-${employer.id}`)).map((e) => e.type)).toEqual(['EmployerPaymentMethodAttached']);
    });

    it('a trainer cannot connect a payout account for another trainer id → 403, nothing appended', async () => {
      const trainer = freshTrainer();
      const victim = freshTrainer();
      await refused(() => app.api.request('POST', `/v1/trainers/${victim.id}/payout-account`, { as: trainer, body: {} }), 403, /its own payout account/);
      expect(await app.store.readStream(`trainer-${victim.id}`)).toEqual([]);
    });

    it.each([
      { who: 'an employer', actor: freshEmployer },
      { who: 'an employer whose id is the trainer id', actor: null },
      { who: 'finance', actor: () => financeActor },
    ])('$who cannot connect a payout account → 403, nothing appended', async ({ actor }) => {
      const victim = freshTrainer();
      const as = actor ? actor() : ({ role: 'employer', id: victim.id } as Actor);
      await refused(() => app.api.request('POST', `/v1/trainers/${victim.id}/payout-account`, { as, body: {} }), 403, /trainer/);
      expect(await app.store.readStream(`trainer-${victim.id}`)).toEqual([]);
    });

    it('a trainer connects its own payout account (200, one event in its stream)', async () => {
      const trainer = freshTrainer();
      const connected = await app.api.request('POST', `/v1/trainers/${trainer.id}/payout-account`, { as: trainer, body: {} });
      expect(connected.status).toBe(200);
      expect((await app.store.readStream(`trainer-${trainer.id}`)).map((e) => e.type)).toEqual(['TrainerPayoutAccountConnected']);
    });
  });
});
