import { loadConfig, type AuthConfig } from '@escrow/runtime';
import { createLocalJWKSet, exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import jwt from 'jsonwebtoken';
import { createHmac } from 'node:crypto';
import { bearerVerifier, type BearerVerifier } from './bearer-verifier';
import { claimAt } from './oidc-tokens';
import { InvalidToken, mintToken } from './tokens';

const secret = 'unit-secret-that-is-long-enough-for-hs256-0123456789';
const issuer = 'https://idp.example.test/realms/escrow';
const audience = 'escrow-api';
const nowS = () => Math.floor(Date.now() / 1000);

/** The configuration as the app loads it; the key set is given to the verifier (no fetch in a unit test). */
const authConfig = (env: Record<string, string> = {}): AuthConfig =>
  loadConfig({ NODE_ENV: 'test', AUTH_JWKS_URL: 'https://idp.example.test/certs', AUTH_ISSUER: issuer, AUTH_AUDIENCE: audience, ...env }).auth;

interface SigningKey {
  readonly alg: 'RS256' | 'ES256';
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
  readonly publicPem: string;
}

async function signingKey(alg: 'RS256' | 'ES256', kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { alg, kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' }, publicPem: await exportSPKI(publicKey) };
}

/** A provider's token: iss, aud, iat and exp an hour later unless `claims` says otherwise (undefined drops one). */
async function providerToken(key: SigningKey, claims: Record<string, unknown> = {}, kid = key.kid): Promise<string> {
  const all = { iss: issuer, aud: audience, sub: 'emp_oidc', role: 'employer', iat: nowS(), exp: nowS() + 3_600, ...claims };
  const present = Object.fromEntries(Object.entries(all).filter(([, value]) => value !== undefined)) as JWTPayload;
  return new SignJWT(present).setProtectedHeader({ alg: key.alg, kid, typ: 'JWT' }).sign(key.privateKey);
}

const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
/** HS256 by hand, with any bytes as the HMAC key (jsonwebtoken refuses a PEM as an HMAC secret). */
const hmacToken = (claims: Record<string, unknown>, key: string) => {
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${unsigned}.${createHmac('sha256', key).update(unsigned).digest('base64url')}`;
};

async function refusal(verify: BearerVerifier, token: string): Promise<string> {
  const error = await verify(token).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(InvalidToken);
  return (error as Error).message;
}

describe('bearerVerifier with AUTH_JWKS_URL: the token alg picks the key', () => {
  let rsa: SigningKey;
  let ec: SigningKey;
  let stranger: SigningKey;
  let withSecret: BearerVerifier;
  let providerOnly: BearerVerifier;

  beforeAll(async () => {
    [rsa, ec, stranger] = await Promise.all([signingKey('RS256', 'rsa-1'), signingKey('ES256', 'ec-1'), signingKey('RS256', 'stranger')]);
    const keys = createLocalJWKSet({ keys: [rsa.publicJwk, ec.publicJwk] });
    withSecret = bearerVerifier(authConfig({ AUTH_SECRET: secret }), keys);
    providerOnly = bearerVerifier(authConfig(), keys);
  });

  it('accepts RS256 and ES256 tokens of the provider, as the role and party id they carry', async () => {
    expect(await providerOnly(await providerToken(rsa))).toEqual({ role: 'employer', id: 'emp_oidc' });
    expect(await providerOnly(await providerToken(ec, { role: 'trainer', sub: 'tr_oidc' }))).toEqual({ role: 'trainer', id: 'tr_oidc' });
  });

  it('still accepts HS256 tokens of the shared secret when AUTH_SECRET is set, with the same iss and aud', async () => {
    const token = mintToken(authConfig({ AUTH_SECRET: secret }), { role: 'finance', id: 'fin_1' });
    expect(await withSecret(token)).toEqual({ role: 'finance', id: 'fin_1' });
    expect(await refusal(providerOnly, token)).toMatch(/^invalid bearer token: alg must be RS256, ES256, not "HS256"$/);
  });

  it.each([
    { what: 'another issuer', claims: { iss: 'https://evil.example.test/' }, message: /iss must be "https:\/\/idp\.example\.test\/realms\/escrow"/ },
    { what: 'no issuer', claims: { iss: undefined }, message: /iss is required/ },
    { what: 'another audience', claims: { aud: 'other-api' }, message: /aud must include "escrow-api"/ },
    { what: 'an expired exp (120 s ago)', claims: { iat: nowS() - 3_600, exp: nowS() - 120 }, message: /exp: the token expired at/ },
    { what: 'nbf 120 s ahead', claims: { nbf: nowS() + 120 }, message: /nbf: the token is not valid before/ },
    { what: 'no exp', claims: { exp: undefined }, message: /exp is required/ },
    { what: 'exp 100 years ahead', claims: { exp: nowS() + 100 * 365 * 86_400 }, message: /lifetime/ },
    { what: 'iat 10 minutes ahead', claims: { iat: nowS() + 600, exp: nowS() + 1_200 }, message: /iat is in the future/ },
    { what: 'an unknown role', claims: { role: 'admin' }, message: /role must hold one of employer, trainer/ },
    { what: 'no sub', claims: { sub: undefined }, message: /sub is required/ },
    { what: 'a sub that is not a party id', claims: { sub: 'auth0|5f7c8ec7c33c6c004bbafe82' }, message: /sub must be 1 to 64 letters, digits, _ or -/ },
  ])('refuses a provider token with $what, naming the claim', async ({ claims, message }) => {
    expect(await refusal(providerOnly, await providerToken(rsa, claims))).toMatch(message);
  });

  it('tolerates 60 s of clock skew on exp and nbf, like HS256 tokens', async () => {
    expect(await providerOnly(await providerToken(ec, { iat: nowS() - 3_600, exp: nowS() - 30 }))).toEqual({ role: 'employer', id: 'emp_oidc' });
    expect(await providerOnly(await providerToken(ec, { nbf: nowS() + 30 }))).toEqual({ role: 'employer', id: 'emp_oidc' });
  });

  it('refuses a key the provider does not publish, named by an unknown kid or by a published one', async () => {
    expect(await refusal(providerOnly, await providerToken(stranger))).toMatch(/no key of the identity provider matches/);
    expect(await refusal(providerOnly, await providerToken(stranger, {}, rsa.kid))).toMatch(/signature verification failed/);
  });

  it('refuses alg none, and an algorithm it does not take', async () => {
    const none = `${part({ alg: 'none', typ: 'JWT' })}.${part({ iss: issuer, aud: audience, sub: 'emp_1', role: 'employer', exp: nowS() + 60 })}.`;
    expect(await refusal(withSecret, none)).toMatch(/^invalid bearer token: alg must be HS256, RS256, ES256, not "none"$/);
    const hs512 = jwt.sign({ role: 'employer', sub: 'emp_1' }, secret, { algorithm: 'HS512', expiresIn: 60 });
    expect(await refusal(withSecret, hs512)).toMatch(/alg must be HS256, RS256, ES256, not "HS512"/);
    expect(await refusal(withSecret, 'garbage')).toMatch(/malformed token/);
  });

  it('refuses alg confusion: an HS256 token whose HMAC key is the provider public key', async () => {
    for (const publicKeyText of [rsa.publicPem, JSON.stringify(rsa.publicJwk)]) {
      const forged = hmacToken({ iss: issuer, aud: audience, sub: 'emp_1', role: 'finance', iat: nowS(), exp: nowS() + 60 }, publicKeyText);
      expect(await refusal(withSecret, forged)).toMatch(/signature/);
      expect(await refusal(providerOnly, forged)).toMatch(/alg must be RS256, ES256, not "HS256"/);
    }
  });

  it('refuses a token whose header claims RS256 over an ES256 signature (alg and key type must agree)', async () => {
    const [, payload, signature] = (await providerToken(ec)).split('.');
    const relabelled = `${part({ alg: 'RS256', kid: ec.kid })}.${payload}.${signature}`;
    expect(await refusal(providerOnly, relabelled)).toMatch(/no key of the identity provider matches/);
  });
});

describe('bearerVerifier: where the role and the party id are', () => {
  let key: SigningKey;
  const verifierWith = (env: Record<string, string>) => bearerVerifier(authConfig(env), createLocalJWKSet({ keys: [key.publicJwk] }));

  beforeAll(async () => {
    key = await signingKey('ES256', 'ec-claims');
  });

  it('AUTH_ROLE_CLAIM as a path into nested claims holding an array (Keycloak realm roles): the one role of ours counts', async () => {
    const verify = verifierWith({ AUTH_ROLE_CLAIM: 'realm_access.roles' });
    const token = await providerToken(key, { role: undefined, realm_access: { roles: ['offline_access', 'trainer', 'uma_authorization'] } });
    expect(await verify(token)).toEqual({ role: 'trainer', id: 'emp_oidc' });
    const two = await providerToken(key, { realm_access: { roles: ['trainer', 'employer'] } });
    expect(await refusal(verify, two)).toMatch(/realm_access\.roles holds several roles \(trainer, employer\)/);
    expect(await refusal(verify, await providerToken(key, { realm_access: { roles: ['offline_access'] } }))).toMatch(/realm_access\.roles must hold one of/);
    expect(await refusal(verify, await providerToken(key, { realm_access: 'trainer' }))).toMatch(/realm_access\.roles must hold one of/);
    // The same role twice is still one role.
    expect(await verify(await providerToken(key, { realm_access: { roles: ['support', 'support'] } }))).toEqual({ role: 'support', id: 'emp_oidc' });
  });

  it('AUTH_ROLE_CLAIM naming a namespaced claim with dots (Auth0) is taken whole', async () => {
    const verify = verifierWith({ AUTH_ROLE_CLAIM: 'https://escrow.example.test/roles' });
    const token = await providerToken(key, { role: undefined, 'https://escrow.example.test/roles': ['service'] });
    expect(await verify(token)).toEqual({ role: 'service', id: 'emp_oidc' });
  });

  it('AUTH_SUBJECT_CLAIM names the claim holding the party id', async () => {
    const verify = verifierWith({ AUTH_SUBJECT_CLAIM: 'party_id' });
    const token = await providerToken(key, { sub: 'auth0|5f7c8ec7c33c6c004bbafe82', party_id: 'emp_42' });
    expect(await verify(token)).toEqual({ role: 'employer', id: 'emp_42' });
    expect(await refusal(verify, await providerToken(key))).toMatch(/party_id is required \(the party id\)/);
  });

  it('claimAt reads own properties only: no way into the prototype', () => {
    const claims = { a: { b: 'x' }, 'a.b': 'whole', list: ['y'] };
    expect(claimAt(claims, 'a.b')).toBe('whole');
    expect(claimAt({ a: { b: 'x' } }, 'a.b')).toBe('x');
    expect(claimAt(claims, 'list.0')).toBeUndefined();
    expect(claimAt(claims, 'constructor')).toBeUndefined();
    expect(claimAt(claims, 'a.__proto__.toString')).toBeUndefined();
  });
});

describe('bearerVerifier without AUTH_JWKS_URL', () => {
  it('is the HS256 check of before: other algorithms are refused as they were', async () => {
    const verify = bearerVerifier(loadConfig({ NODE_ENV: 'test', AUTH_SECRET: secret }).auth);
    expect(await verify(mintToken(secret, { role: 'employer', id: 'emp_1' }))).toEqual({ role: 'employer', id: 'emp_1' });
    const rsa = await signingKey('RS256', 'rsa-x');
    expect(await refusal(verify, await providerToken(rsa))).toMatch(/^invalid bearer token: alg must be HS256$/);
  });
});
