import { authTokenLifetimeMaxDefaultS, ConfigError, developmentAuthSecret, loadConfig } from './config';

describe('payments configuration', () => {
  const stripe = { STRIPE_SECRET_KEY: 'sk_test_123abc', STRIPE_WEBHOOK_SECRET: 'whsec_abc' };

  it('uses the simulated gateway when no Stripe key is given', () => {
    expect(loadConfig({}).payments).toEqual({ kind: 'simulated' });
  });

  it('selects Stripe with a secret key and a webhook secret, on Stripe itself unless a base URL is given', () => {
    const payments = loadConfig({ ...stripe, PORT: '4100' }).payments;
    expect(payments).toEqual({
      kind: 'stripe',
      secretKey: 'sk_test_123abc',
      webhookSecret: 'whsec_abc',
      apiBase: null,
      connectReturnUrl: 'http://localhost:4100/payouts/connected',
      connectRefreshUrl: 'http://localhost:4100/payouts/refresh',
      requestTimeoutMs: 20_000,
      browser: null,
    });
    const local = loadConfig({ ...stripe, STRIPE_API_BASE: 'http://127.0.0.1:12111', PUBLIC_URL: 'https://escrow.example.com', STRIPE_TIMEOUT_MS: '5000' }).payments;
    expect(local).toMatchObject({
      apiBase: new URL('http://127.0.0.1:12111'),
      connectReturnUrl: 'https://escrow.example.com/payouts/connected',
      requestTimeoutMs: 5_000,
    });
  });

  it("gives the console Stripe.js from Stripe and the publishable key, when one is set", () => {
    expect(loadConfig({ ...stripe, STRIPE_PUBLISHABLE_KEY: 'pk_test_abc' }).payments).toMatchObject({
      browser: { publishableKey: 'pk_test_abc', jsUrl: new URL('https://js.stripe.com/v3/') },
    });
    expect(loadConfig({ ...stripe, STRIPE_PUBLISHABLE_KEY: 'pk_test_abc', STRIPE_JS_URL: 'http://127.0.0.1:12111/v3/' }).payments).toMatchObject({
      browser: { jsUrl: new URL('http://127.0.0.1:12111/v3/') },
    });
  });

  it.each([
    [{ STRIPE_SECRET_KEY: 'sk_test_123abc' }, /STRIPE_WEBHOOK_SECRET/],
    [{ STRIPE_PUBLISHABLE_KEY: 'pk_test_abc' }, /need STRIPE_SECRET_KEY/],
    [{ ...stripe, STRIPE_PUBLISHABLE_KEY: 'sk_test_abc' }, /STRIPE_PUBLISHABLE_KEY must be a Stripe publishable key/],
    [{ ...stripe, STRIPE_PUBLISHABLE_KEY: 'pk_live_abc' }, /live key but STRIPE_SECRET_KEY is a test key/],
    [{ ...stripe, STRIPE_JS_URL: 'https://js.stripe.com/v3/' }, /STRIPE_JS_URL needs STRIPE_PUBLISHABLE_KEY/],
    [{ ...stripe, STRIPE_PUBLISHABLE_KEY: 'pk_test_abc', STRIPE_JS_URL: 'js.stripe.com' }, /STRIPE_JS_URL must be an absolute/],
    [{ ...stripe, STRIPE_SECRET_KEY: 'pk_test_publishable' }, /secret or restricted key/],
    [{ STRIPE_WEBHOOK_SECRET: 'whsec_abc' }, /need STRIPE_SECRET_KEY/],
    [{ STRIPE_API_BASE: 'http://127.0.0.1:1' }, /need STRIPE_SECRET_KEY/],
    [{ ...stripe, STRIPE_API_BASE: 'not a url' }, /STRIPE_API_BASE must be an absolute/],
    [{ ...stripe, STRIPE_API_BASE: 'ftp://127.0.0.1' }, /STRIPE_API_BASE must be an http/],
    [{ ...stripe, STRIPE_TIMEOUT_MS: '10' }, /STRIPE_TIMEOUT_MS must be between/],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe('event store, relay and feed configuration', () => {
  it('keeps events in the SQL database unless EventStoreDB is chosen', () => {
    expect(loadConfig({}).eventStore).toEqual({ kind: 'sql' });
    expect(loadConfig({ DATABASE_URL: 'postgres://db/escrow' }).eventStore).toEqual({ kind: 'sql' });
  });

  it('selects EventStoreDB for events while read models stay in PostgreSQL', () => {
    const config = loadConfig({ EVENT_STORE: 'eventstoredb', EVENTSTORE_URL: 'esdb://esdb:2113?tls=false', DATABASE_URL: 'postgres://db/escrow' });
    expect(config.eventStore).toEqual({ kind: 'eventstoredb', url: 'esdb://esdb:2113?tls=false' });
    expect(config.database).toEqual({ kind: 'postgres', url: 'postgres://db/escrow' });
  });

  it('runs the NATS relay only when NATS_URL is set', () => {
    expect(loadConfig({}).nats).toBeNull();
    expect(loadConfig({ NATS_URL: 'nats://a:4222,nats://b:4222' }).nats).toEqual({ url: 'nats://a:4222,nats://b:4222' });
  });

  it('has feed defaults and accepts overrides', () => {
    expect(loadConfig({}).feed).toEqual({ heartbeatMs: 15_000, slowClientTimeoutMs: 30_000 });
    expect(loadConfig({ FEED_HEARTBEAT_MS: '250', FEED_SLOW_CLIENT_TIMEOUT_MS: '1000' }).feed).toEqual({ heartbeatMs: 250, slowClientTimeoutMs: 1_000 });
  });

  it('holds an Idempotency-Key claim for 60 s by default, configurable', () => {
    expect(loadConfig({}).idempotencyLeaseMs).toBe(60_000);
    expect(loadConfig({ IDEMPOTENCY_LEASE_MS: '5000' }).idempotencyLeaseMs).toBe(5_000);
  });

  it.each([
    [{ IDEMPOTENCY_LEASE_MS: '999' }, /IDEMPOTENCY_LEASE_MS must be between/],
    [{ EVENT_STORE: 'eventstoredb', EVENTSTORE_URL: 'esdb://esdb:2113' }, /needs DATABASE_URL/],
    [{ EVENT_STORE: 'eventstoredb', DATABASE_URL: 'postgres://db/escrow' }, /needs EVENTSTORE_URL/],
    [{ EVENT_STORE: 'eventstoredb', DATABASE_URL: 'postgres://db/escrow', EVENTSTORE_URL: 'http://esdb:2113' }, /EVENTSTORE_URL must be an esdb/],
    [{ EVENT_STORE: 'mongo' }, /EVENT_STORE must be postgres, pglite or eventstoredb/],
    [{ NATS_URL: 'localhost:4222' }, /NATS_URL must be nats:\/\//],
    [{ FEED_HEARTBEAT_MS: '5' }, /FEED_HEARTBEAT_MS must be between/],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe('environment and auth configuration', () => {
  const ownSecret = 'a-secret-of-our-own-that-is-long-enough-0123456789';

  it('runs as development by default, with the public development secret flagged', () => {
    const config = loadConfig({});
    expect(config.nodeEnv).toBe('development');
    expect(config.auth).toEqual({
      secret: developmentAuthSecret,
      secretIsDevelopmentDefault: true,
      issuer: null,
      audience: null,
      tokenLifetimeMaxS: authTokenLifetimeMaxDefaultS,
      oidc: null,
    });
    // Older readers keep working.
    expect(config.authSecret).toBe(developmentAuthSecret);
    expect(config.authSecretIsDevelopmentDefault).toBe(true);
    expect(authTokenLifetimeMaxDefaultS).toBe(86_400);
  });

  it('takes the secret, issuer, audience and token lifetime limit from the environment', () => {
    const config = loadConfig({
      AUTH_SECRET: ownSecret,
      AUTH_ISSUER: 'https://auth.example.com/',
      AUTH_AUDIENCE: 'escrow-api',
      AUTH_TOKEN_LIFETIME_MAX_S: '3600',
    });
    expect(config.auth).toEqual({
      secret: ownSecret,
      secretIsDevelopmentDefault: false,
      issuer: 'https://auth.example.com/',
      audience: 'escrow-api',
      tokenLifetimeMaxS: 3_600,
      oidc: null,
    });
    expect(config.authSecret).toBe(ownSecret);
    expect(config.authSecretIsDevelopmentDefault).toBe(false);
  });

  it('treats empty AUTH_ISSUER / AUTH_AUDIENCE / AUTH_TOKEN_LIFETIME_MAX_S as unset', () => {
    expect(loadConfig({ AUTH_ISSUER: '', AUTH_AUDIENCE: '', AUTH_TOKEN_LIFETIME_MAX_S: '' }).auth).toMatchObject({
      issuer: null,
      audience: null,
      tokenLifetimeMaxS: authTokenLifetimeMaxDefaultS,
    });
  });

  it.each(['development', 'test', 'production'])('accepts NODE_ENV=%s', (nodeEnv) => {
    expect(loadConfig({ NODE_ENV: nodeEnv, AUTH_SECRET: ownSecret }).nodeEnv).toBe(nodeEnv);
  });

  it('still accepts the development secret outside production (flagged, so the app warns)', () => {
    for (const NODE_ENV of ['development', 'test']) {
      expect(loadConfig({ NODE_ENV, AUTH_SECRET: developmentAuthSecret }).auth.secretIsDevelopmentDefault).toBe(true);
    }
  });

  it.each([
    [{ NODE_ENV: 'production' }, /AUTH_SECRET is required when NODE_ENV=production/],
    [{ NODE_ENV: 'production', AUTH_SECRET: developmentAuthSecret }, /public development secret/],
    [{ NODE_ENV: 'Production' }, /NODE_ENV must be development, test or production/],
    [{ NODE_ENV: 'prod' }, /NODE_ENV must be development, test or production/],
    [{ NODE_ENV: 'PRODUCTION', AUTH_SECRET: ownSecret }, /NODE_ENV must be development, test or production/],
    [{ NODE_ENV: 'production ' }, /NODE_ENV must be development, test or production/],
    [{ NODE_ENV: 'staging' }, /NODE_ENV must be development, test or production .*not "staging"/],
    [{ AUTH_SECRET: 'short' }, /AUTH_SECRET must be at least 32 characters/],
    [{ AUTH_TOKEN_LIFETIME_MAX_S: '0' }, /AUTH_TOKEN_LIFETIME_MAX_S must be between/],
    [{ AUTH_TOKEN_LIFETIME_MAX_S: '31536000' }, /AUTH_TOKEN_LIFETIME_MAX_S must be between/],
    [{ AUTH_TOKEN_LIFETIME_MAX_S: '1h' }, /AUTH_TOKEN_LIFETIME_MAX_S must be an integer/],
    [{ AUTH_ISSUER: ' escrow' }, /AUTH_ISSUER/],
    [{ AUTH_AUDIENCE: 'escrow\napi' }, /AUTH_AUDIENCE/],
    [{ AUTH_AUDIENCE: 'a'.repeat(300) }, /AUTH_AUDIENCE/],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
