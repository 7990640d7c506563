import { ConfigError, developmentAuthSecret, loadConfig } from './config';
import { jwksCacheMaxAgeMsDefault, jwksCooldownMsDefault } from './oidc-config';

const provider = {
  AUTH_JWKS_URL: 'https://idp.example.com/realms/escrow/protocol/openid-connect/certs',
  AUTH_ISSUER: 'https://idp.example.com/realms/escrow',
  AUTH_AUDIENCE: 'escrow-api',
};
const ownSecret = 'a-secret-of-our-own-that-is-long-enough-0123456789';

describe('OpenID Connect provider configuration (AUTH_JWKS_URL)', () => {
  it('is off by default', () => {
    expect(loadConfig({}).auth.oidc).toBeNull();
  });

  it('takes the key set, issuer and audience, with the default claims and key-set timings', () => {
    expect(loadConfig(provider).auth.oidc).toEqual({
      jwksUrl: provider.AUTH_JWKS_URL,
      issuer: provider.AUTH_ISSUER,
      audience: 'escrow-api',
      roleClaim: 'role',
      subjectClaim: 'sub',
      jwksCooldownMs: jwksCooldownMsDefault,
      jwksCacheMaxAgeMs: jwksCacheMaxAgeMsDefault,
    });
    expect(jwksCooldownMsDefault).toBe(30_000);
    expect(jwksCacheMaxAgeMsDefault).toBe(600_000);
  });

  it('takes the claim names (a name or a dotted path) and the key-set timings', () => {
    const oidc = loadConfig({
      ...provider,
      AUTH_ROLE_CLAIM: 'realm_access.roles',
      AUTH_SUBJECT_CLAIM: 'https://escrow.example.com/party_id',
      AUTH_JWKS_COOLDOWN_MS: '1000',
      AUTH_JWKS_CACHE_MAX_AGE_MS: '60000',
    }).auth.oidc;
    expect(oidc).toMatchObject({ roleClaim: 'realm_access.roles', subjectClaim: 'https://escrow.example.com/party_id', jwksCooldownMs: 1_000, jwksCacheMaxAgeMs: 60_000 });
  });

  it('without AUTH_SECRET accepts no HS256 token: no public development secret beside real identities', () => {
    const auth = loadConfig(provider).auth;
    expect(auth).toMatchObject({ secret: null, secretIsDevelopmentDefault: false });
    expect(loadConfig({ ...provider, AUTH_SECRET: ownSecret }).auth).toMatchObject({ secret: ownSecret, oidc: { audience: 'escrow-api' } });
  });

  it('lets production start without AUTH_SECRET, and keeps refusing the development secret there', () => {
    expect(loadConfig({ ...provider, NODE_ENV: 'production' }).auth).toMatchObject({ secret: null, oidc: { issuer: provider.AUTH_ISSUER } });
    expect(() => loadConfig({ ...provider, NODE_ENV: 'production', AUTH_SECRET: developmentAuthSecret })).toThrow(/public development secret/);
  });

  it.each([
    [{ ...provider, AUTH_ISSUER: '' }, /AUTH_JWKS_URL needs AUTH_ISSUER/],
    [{ ...provider, AUTH_AUDIENCE: undefined }, /AUTH_JWKS_URL needs AUTH_AUDIENCE/],
    [{ ...provider, AUTH_JWKS_URL: 'idp.example.com/certs' }, /AUTH_JWKS_URL must be an absolute http\(s\) URL/],
    [{ ...provider, AUTH_JWKS_URL: 'file:///etc/jwks.json' }, /AUTH_JWKS_URL must be an http\(s\) URL/],
    [{ ...provider, AUTH_JWKS_URL: 'http://idp.example.com/certs', NODE_ENV: 'production' }, /AUTH_JWKS_URL must be https when NODE_ENV=production/],
    [{ ...provider, AUTH_ROLE_CLAIM: 'realm_access..roles' }, /AUTH_ROLE_CLAIM must be a claim name or a dotted path/],
    [{ ...provider, AUTH_ROLE_CLAIM: 'realm access' }, /AUTH_ROLE_CLAIM must be a claim name or a dotted path/],
    [{ ...provider, AUTH_SUBJECT_CLAIM: '.sub' }, /AUTH_SUBJECT_CLAIM must be a claim name or a dotted path/],
    [{ ...provider, AUTH_SUBJECT_CLAIM: 's'.repeat(300) }, /AUTH_SUBJECT_CLAIM/],
    [{ ...provider, AUTH_JWKS_COOLDOWN_MS: '10' }, /AUTH_JWKS_COOLDOWN_MS must be between 100 and 600000/],
    [{ ...provider, AUTH_JWKS_CACHE_MAX_AGE_MS: '10m' }, /AUTH_JWKS_CACHE_MAX_AGE_MS must be an integer/],
    [{ AUTH_ROLE_CLAIM: 'realm_access.roles' }, /AUTH_ROLE_CLAIM needs AUTH_JWKS_URL/],
    [{ AUTH_SUBJECT_CLAIM: 'party_id' }, /AUTH_SUBJECT_CLAIM needs AUTH_JWKS_URL/],
    [{ AUTH_JWKS_COOLDOWN_MS: '1000' }, /AUTH_JWKS_COOLDOWN_MS needs AUTH_JWKS_URL/],
    [{ NODE_ENV: 'production' }, /AUTH_SECRET is required when NODE_ENV=production \(or AUTH_JWKS_URL/],
  ])('refuses %j, naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
