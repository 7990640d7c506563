import type { JWTPayload } from 'jose';
import { createHmac } from 'node:crypto';
import { developmentAuthSecret, loadConfig } from '@escrow/runtime';
import { withApp } from './support/app';
import { eventLogSize, expectRefusedWithoutWrites, freshEmployer, freshTrainer, validHire } from './support/api-checks';
import { describeEachDatabase } from './support/databases';
import { providerKey, signWith, startJwksServer, type JwksServer, type ProviderKey } from './support/jwks-server';

const issuer = 'https://idp.example.test/realms/escrow';
const audience = 'escrow-api';
/** Short, so the rotation test need not wait jose's default 30 s before the key set may be fetched again. */
const jwksCooldownMs = 200;

const nowS = () => Math.floor(Date.now() / 1000);
const providerClaims = (sub: string, role: string, extra: JWTPayload = {}): JWTPayload => ({
  iss: issuer,
  aud: audience,
  sub,
  role,
  iat: nowS(),
  exp: nowS() + 600,
  ...extra,
});
const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeEachDatabase('API authentication with an OpenID Connect provider (JWKS)', (target) => {
  let jwks: JwksServer;
  let rsa: ProviderKey;
  let ec: ProviderKey;
  let stranger: ProviderKey;

  // Before withApp's beforeAll, which reads jwks.url.
  beforeAll(async () => {
    [rsa, ec, stranger] = await Promise.all([providerKey('RS256', 'rsa-1'), providerKey('ES256', 'ec-1'), providerKey('RS256', 'stranger')]);
    jwks = await startJwksServer([rsa, ec]);
  });
  afterAll(async () => {
    await jwks?.close();
  });

  // AUTH_SECRET stays set (startApp's test secret): both paths are open, as during a migration to the provider.
  const app = withApp(target, () => ({
    env: { AUTH_JWKS_URL: jwks.url, AUTH_ISSUER: issuer, AUTH_AUDIENCE: audience, AUTH_JWKS_COOLDOWN_MS: String(jwksCooldownMs) },
  }));

  const hire = (token: string) =>
    app.api.request('POST', '/v1/contracts', { body: validHire(freshTrainer().id), headers: { authorization: `Bearer ${token}` } });
  const refusedHire = (token: string, message: RegExp) =>
    expectRefusedWithoutWrites(app.db, app.store, async () => {
      const response = await hire(token);
      // Exactly the 401 body of the HS256 path.
      expect(Object.keys(response.body ?? {}).sort()).toEqual(['error', 'message', 'statusCode']);
      return response;
    }, 401, message);

  it('an RS256 token of the provider is the employer it names: it hires, as that party id', async () => {
    const employer = freshEmployer();
    const hired = await hire(await signWith(rsa, providerClaims(employer.id, 'employer')));
    expect(hired.status).toBe(201);
    const view = await app.api.request('GET', `/v1/contracts/${hired.body.contractId}`, { as: employer });
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ employerId: employer.id });
  });

  it('an ES256 token carries its role too: a trainer may read its notifications, and may not hire (403)', async () => {
    const token = await signWith(ec, providerClaims(freshTrainer().id, 'trainer'));
    const notifications = await app.api.request('GET', '/v1/notifications', { headers: { authorization: `Bearer ${token}` } });
    expect(notifications.status).toBe(200);
    await expectRefusedWithoutWrites(app.db, app.store, () => hire(token), 403, /^role trainer cannot do this; allowed: employer$/);
  });

  it('HS256 tokens of the shared secret are still accepted beside them', async () => {
    const hired = await app.api.request('POST', '/v1/contracts', { as: freshEmployer(), body: validHire(freshTrainer().id) });
    expect(hired.status).toBe(201);
  });

  it.each([
    { what: 'another issuer', extra: () => ({ iss: 'https://evil.example.test/' }), message: /^invalid bearer token: iss must be "https:\/\/idp\.example\.test\/realms\/escrow"$/ },
    { what: 'another audience', extra: () => ({ aud: 'another-api' }), message: /^invalid bearer token: aud must include "escrow-api"$/ },
    { what: 'an exp 120 s ago', extra: () => ({ iat: nowS() - 600, exp: nowS() - 120 }), message: /^invalid bearer token: exp: the token expired at / },
  ])('a provider token with $what → 401 naming the claim, nothing appended', async ({ extra, message }) => {
    await refusedHire(await signWith(rsa, providerClaims(freshEmployer().id, 'employer', extra())), message);
  });

  it('a token signed by a key the provider never published (unknown kid) → 401', async () => {
    await refusedHire(await signWith(stranger, providerClaims(freshEmployer().id, 'employer')), /no key of the identity provider matches/);
  });

  it('alg none → 401', async () => {
    const none = `${part({ alg: 'none', typ: 'JWT' })}.${part(providerClaims(freshEmployer().id, 'employer'))}.`;
    await refusedHire(none, /^invalid bearer token: alg must be HS256, RS256, ES256, not "none"$/);
  });

  it('alg confusion: HS256 with the provider public key as HMAC secret → 401 (HS256 is checked only with AUTH_SECRET)', async () => {
    const unsigned = `${part({ alg: 'HS256', typ: 'JWT', kid: rsa.kid })}.${part(providerClaims(freshEmployer().id, 'employer'))}`;
    const forged = `${unsigned}.${createHmac('sha256', rsa.publicPem).update(unsigned).digest('base64url')}`;
    await refusedHire(forged, /signature/);
  });

  it('key rotation: a token of a newly published key is accepted (the key set is fetched again), one of the dropped key is then refused', async () => {
    const employer = freshEmployer();
    const oldKeyToken = await signWith(rsa, providerClaims(employer.id, 'employer'));
    expect((await hire(oldKeyToken)).status).toBe(201);

    const rotated = await providerKey('RS256', 'rsa-2');
    jwks.publish([rotated, ec]);
    await sleep(jwksCooldownMs * 2);
    const fetchesBefore = jwks.fetches;
    const hired = await hire(await signWith(rotated, providerClaims(employer.id, 'employer')));
    expect(hired.status).toBe(201);
    expect(jwks.fetches).toBe(fetchesBefore + 1);

    await sleep(jwksCooldownMs * 2);
    await refusedHire(oldKeyToken, /no key of the identity provider matches/);
  });

  it('the key set unreachable → 503 (not 401: the token may be fine), and served again → accepted', async () => {
    const comingKey = await providerKey('ES256', 'ec-2');
    const token = await signWith(comingKey, providerClaims(freshEmployer().id, 'employer'));
    jwks.publish([comingKey, ec]);
    jwks.failWith(503);
    await sleep(jwksCooldownMs * 2);
    const before = await eventLogSize(app.db, app.store);
    const unavailable = await hire(token);
    expect({ status: unavailable.status, body: unavailable.body }).toEqual({
      status: 503,
      body: { statusCode: 503, error: 'Service Unavailable', message: expect.stringMatching(/signing keys cannot be fetched .*try again$/) },
    });
    expect(await eventLogSize(app.db, app.store)).toBe(before);
    jwks.failWith(null);
    await sleep(jwksCooldownMs * 2);
    expect((await hire(token)).status).toBe(201);
  });

  describe('without AUTH_SECRET: only the provider signs', () => {
    const providerOnly = withApp(target, () => ({
      config: loadConfig({ NODE_ENV: 'test', PROCESS_ROLE: 'api', AUTH_JWKS_URL: jwks.url, AUTH_ISSUER: issuer, AUTH_AUDIENCE: audience }),
    }));
    const hireAt = async (token: string, message: RegExp) =>
      expectRefusedWithoutWrites(providerOnly.db, providerOnly.store, () =>
        providerOnly.api.request('POST', '/v1/contracts', { body: validHire(freshTrainer().id), headers: { authorization: `Bearer ${token}` } }),
      401, message);

    it('refuses every HS256 token, the development secret and alg confusion alike; accepts the provider tokens', async () => {
      const claims = providerClaims(freshEmployer().id, 'employer');
      const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
      for (const hmacKey of [rsa.publicPem, JSON.stringify(ec.publicJwk), developmentAuthSecret]) {
        await hireAt(`${unsigned}.${createHmac('sha256', hmacKey).update(unsigned).digest('base64url')}`, /^invalid bearer token: alg must be RS256, ES256, not "HS256"$/);
      }
      expect(() => providerOnly.api.token('employer', 'emp_1')).toThrow(/no HS256 secret/);
      const hired = await providerOnly.api.request('POST', '/v1/contracts', {
        body: validHire(freshTrainer().id),
        headers: { authorization: `Bearer ${await signWith(ec, claims)}` },
      });
      expect(hired.status).toBe(201);
    });
  });
});
