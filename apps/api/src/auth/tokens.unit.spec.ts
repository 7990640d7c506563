import { authTokenLifetimeMaxDefaultS } from '@escrow/runtime';
import { execFile } from 'node:child_process';
import { createHmac, createSecretKey } from 'node:crypto';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import jwt from 'jsonwebtoken';
import { tokenCommand } from '../../../../scripts/token';
import { InvalidToken, mintToken, tokenClockSkewS, tokenLifetimeDefaultS, verifyToken } from './tokens';

/** Party ids the path-id format refuses, which must never become a token's subject. */
const hostileIds: ReadonlyArray<readonly [string, string]> = [
  ['NUL', 'emp_\u0000x'],
  ['a path', '../x'],
  ['SQL', "' OR 1=1 --"],
  ['a trailing space', 'emp_1 '],
  ['65 characters', 'e'.repeat(65)],
  ['nothing', ''],
];
const secret = 'unit-secret-that-is-long-enough-for-hs256-0123456789';
const nowS = () => Math.floor(Date.now() / 1000);
/** Signs exactly the claims given (no iat unless asked), as another issuer might. */
const signed = (claims: Record<string, unknown>, key: string = secret) =>
  // noTimestamp drops even a given iat; without it a given iat is kept (and iat = now added when none is given).
  jwt.sign(claims, key, { algorithm: 'HS256', noTimestamp: claims.iat === undefined });
/** By hand, for claims jsonwebtoken would refuse to sign (exp or iat that are not numbers). */
const handSigned = (claims: Record<string, unknown>) => {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
};
const fresh = (extra: Record<string, unknown> = {}) => ({ role: 'employer', sub: 'emp_1', iat: nowS(), exp: nowS() + 3_600, ...extra });

function refusal(auth: Parameters<typeof verifyToken>[0], token: string): string {
  try {
    verifyToken(auth, token);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidToken);
    return (error as Error).message;
  }
  throw new Error('the token was accepted');
}

describe('token limits', () => {
  it('are named constants; the default lifetime stays within the default maximum', () => {
    expect(tokenClockSkewS).toBe(60);
    expect(tokenLifetimeDefaultS).toBe(12 * 60 * 60);
    expect(tokenLifetimeDefaultS).toBeLessThanOrEqual(authTokenLifetimeMaxDefaultS);
  });
});

describe('mintToken / verifyToken', () => {
  it('round-trips an actor; the token carries iat and exp 12 h later, and no iss/aud unless configured', () => {
    const token = mintToken(secret, { role: 'trainer', id: 'tr_1' });
    expect(verifyToken(secret, token)).toEqual({ role: 'trainer', id: 'tr_1' });
    const claims = jwt.decode(token) as jwt.JwtPayload;
    expect(claims.exp! - claims.iat!).toBe(tokenLifetimeDefaultS);
    expect(claims).not.toHaveProperty('iss');
    expect(claims).not.toHaveProperty('aud');
  });

  it('accepts the secret as a string or as a KeyObject (built once, cheaper to verify)', () => {
    const key = createSecretKey(Buffer.from(secret));
    expect(verifyToken(key, mintToken(secret, { role: 'service', id: 'svc_1' }))).toEqual({ role: 'service', id: 'svc_1' });
    expect(verifyToken(secret, mintToken({ secret: key }, { role: 'service', id: 'svc_1' }))).toEqual({ role: 'service', id: 'svc_1' });
  });

  it('mints iss and aud when configured, and the configured verifier accepts them', () => {
    const auth = { secret, issuer: 'escrow-auth', audience: 'escrow-api' };
    const token = mintToken(auth, { role: 'employer', id: 'emp_1' });
    expect(jwt.decode(token)).toMatchObject({ iss: 'escrow-auth', aud: 'escrow-api' });
    expect(verifyToken(auth, token)).toEqual({ role: 'employer', id: 'emp_1' });
  });

  it('mints no longer than the configured maximum: the default shrinks to it, a longer request is refused', () => {
    const claims = jwt.decode(mintToken({ secret, tokenLifetimeMaxS: 3_600 }, { role: 'employer', id: 'emp_1' })) as jwt.JwtPayload;
    expect(claims.exp! - claims.iat!).toBe(3_600);
    expect(() => mintToken({ secret, tokenLifetimeMaxS: 3_600 }, { role: 'employer', id: 'emp_1' }, 3_601)).toThrow(/lifetime/);
    expect(() => mintToken(secret, { role: 'employer', id: 'emp_1' }, authTokenLifetimeMaxDefaultS + 1)).toThrow(/lifetime/);
  });

  it.each(hostileIds)('refuses to mint for an id with %s', (_what, id) => {
    expect(() => mintToken(secret, { role: 'employer', id })).toThrow(/sub must be 1 to 64 letters, digits, _ or -/);
  });
});

describe('verifyToken refuses, naming the claim', () => {
  it.each<readonly [string, unknown]>([...hostileIds, ['a leading space', ' emp_1'], ['a number', 12345], ['an object', { id: 'emp_1' }]])('sub with %s', (_what, sub) => {
    expect(refusal(secret, signed(fresh({ sub })))).toMatch(/sub must be 1 to 64 letters, digits, _ or -/);
  });

  it('accepts a 64-character sub of the path-id alphabet', () => {
    const sub = `A-z_0${'9'.repeat(59)}`;
    expect(verifyToken(secret, signed(fresh({ sub })))).toEqual({ role: 'employer', id: sub });
  });

  it('a token without sub', () => {
    const { sub: _sub, ...claims } = fresh();
    expect(refusal(secret, signed(claims))).toMatch(/sub/);
  });

  it('a token without exp', () => {
    const { exp: _exp, ...claims } = fresh();
    expect(refusal(secret, signed(claims))).toMatch(/exp is required/);
  });

  it('exp that is not a number', () => {
    expect(refusal(secret, handSigned(fresh({ exp: 'tomorrow' })))).toMatch(/exp must be a number/);
  });

  it('exp 100 years ahead, with or without iat', () => {
    const exp = nowS() + 100 * 365 * 24 * 3_600;
    expect(refusal(secret, signed(fresh({ exp })))).toMatch(/lifetime/);
    expect(refusal(secret, signed({ role: 'employer', sub: 'emp_1', exp }))).toMatch(/lifetime/);
  });

  it('a lifetime (exp - iat) of exactly the maximum passes, one second more does not', () => {
    const iat = nowS();
    expect(verifyToken(secret, signed(fresh({ iat, exp: iat + authTokenLifetimeMaxDefaultS })))).toEqual({ role: 'employer', id: 'emp_1' });
    expect(refusal(secret, signed(fresh({ iat, exp: iat + authTokenLifetimeMaxDefaultS + 1 })))).toMatch(/lifetime/);
    expect(refusal({ secret, tokenLifetimeMaxS: 600 }, signed(fresh({ iat, exp: iat + 601 })))).toMatch(/lifetime .*600 s/);
  });

  it('without iat, exp - now is bounded the same way (with the clock skew)', () => {
    const limit = nowS() + authTokenLifetimeMaxDefaultS + tokenClockSkewS;
    expect(verifyToken(secret, signed({ role: 'employer', sub: 'emp_1', exp: limit - 5 }))).toEqual({ role: 'employer', id: 'emp_1' });
    expect(refusal(secret, signed({ role: 'employer', sub: 'emp_1', exp: limit + 5 }))).toMatch(/lifetime/);
  });

  it('iat 10 minutes in the future; 30 s ahead is within the clock skew', () => {
    expect(refusal(secret, signed(fresh({ iat: nowS() + 600 })))).toMatch(/iat is in the future/);
    expect(verifyToken(secret, signed(fresh({ iat: nowS() + 30 })))).toEqual({ role: 'employer', id: 'emp_1' });
  });

  it('iat that is not a number', () => {
    expect(refusal(secret, handSigned(fresh({ iat: '2026-01-01' })))).toMatch(/iat must be a number/);
  });

  it('exp 120 s in the past; 30 s in the past is within the clock skew', () => {
    expect(refusal(secret, signed(fresh({ iat: nowS() - 3_600, exp: nowS() - 120 })))).toMatch(/exp: the token expired at/);
    expect(verifyToken(secret, signed(fresh({ iat: nowS() - 3_600, exp: nowS() - 30 })))).toEqual({ role: 'employer', id: 'emp_1' });
  });

  it('nbf 120 s in the future; 30 s ahead is within the clock skew', () => {
    expect(refusal(secret, signed(fresh({ nbf: nowS() + 120 })))).toMatch(/nbf: the token is not valid before/);
    expect(verifyToken(secret, signed(fresh({ nbf: nowS() + 30 })))).toEqual({ role: 'employer', id: 'emp_1' });
  });

  it('iss and aud, when configured', () => {
    const auth = { secret, issuer: 'escrow-auth', audience: 'escrow-api' };
    expect(refusal(auth, signed(fresh({ aud: 'escrow-api' })))).toMatch(/iss must be "escrow-auth"/);
    expect(refusal(auth, signed(fresh({ iss: 'someone-else', aud: 'escrow-api' })))).toMatch(/iss must be "escrow-auth"/);
    expect(refusal(auth, signed(fresh({ iss: 'escrow-auth' })))).toMatch(/aud must include "escrow-api"/);
    expect(refusal(auth, signed(fresh({ iss: 'escrow-auth', aud: ['other-api'] })))).toMatch(/aud must include "escrow-api"/);
    expect(verifyToken(auth, signed(fresh({ iss: 'escrow-auth', aud: ['other-api', 'escrow-api'] })))).toEqual({ role: 'employer', id: 'emp_1' });
    // Without configuration, iss and aud are not checked.
    expect(verifyToken(secret, signed(fresh({ iss: 'anyone', aud: 'anything' })))).toEqual({ role: 'employer', id: 'emp_1' });
  });

  it('algorithms other than HS256, and a bad signature', () => {
    expect(refusal(secret, jwt.sign(fresh(), secret, { algorithm: 'HS512', noTimestamp: true }))).toMatch(/alg must be HS256/);
    expect(refusal(secret, signed(fresh(), 'another-secret-that-is-long-enough-for-hs256-xyz'))).toMatch(/signature/);
    expect(refusal(secret, 'garbage')).toMatch(/malformed/);
  });
});

describe('npm run token', () => {
  const env = { NODE_ENV: 'test', AUTH_SECRET: secret };

  it('prints a token that the same configuration accepts, with iss/aud when configured', () => {
    const result = tokenCommand(['finance', 'fin_1'], { ...env, AUTH_ISSUER: 'escrow-auth', AUTH_AUDIENCE: 'escrow-api' });
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    const token = result.stdout.trim();
    expect(verifyToken({ secret, issuer: 'escrow-auth', audience: 'escrow-api' }, token)).toEqual({ role: 'finance', id: 'fin_1' });
    const claims = jwt.decode(token) as jwt.JwtPayload;
    expect(claims.exp! - claims.iat!).toBe(tokenLifetimeDefaultS);
  });

  it('mints at most AUTH_TOKEN_LIFETIME_MAX_S when it is below 12 h', () => {
    const result = tokenCommand(['finance', 'fin_1'], { ...env, AUTH_TOKEN_LIFETIME_MAX_S: '3600' });
    const claims = jwt.decode(result.stdout.trim()) as jwt.JwtPayload;
    expect(claims.exp! - claims.iat!).toBe(3_600);
  });

  it.each(hostileIds)('refuses an id with %s: exit 2, the reason on stderr, nothing on stdout', (_what, id) => {
    const result = tokenCommand(['employer', id], env);
    expect(result).toEqual({ exitCode: 2, stdout: '', stderr: expect.stringMatching(/id must be 1 to 64 letters, digits, _ or -/) });
  });

  it.each([[[]], [['employer']], [['admin', 'adm_1']], [['employer', 'emp_1', 'extra']]])('refuses arguments %j with the usage', (argv) => {
    expect(tokenCommand(argv, env)).toEqual({ exitCode: 2, stdout: '', stderr: expect.stringMatching(/^usage: npm run -s token -- <employer\|/) });
  });

  it('refuses to mint where only an OpenID Connect provider signs (AUTH_JWKS_URL without AUTH_SECRET): exit 1', () => {
    const providerOnly = { NODE_ENV: 'test', AUTH_JWKS_URL: 'https://idp.example.test/certs', AUTH_ISSUER: 'https://idp.example.test', AUTH_AUDIENCE: 'escrow-api' };
    expect(tokenCommand(['employer', 'emp_1'], providerOnly)).toEqual({ exitCode: 1, stdout: '', stderr: expect.stringMatching(/no HS256 secret: AUTH_SECRET is not set/) });
  });

  it('refuses a configuration error (exit 1, the reason on stderr)', () => {
    expect(tokenCommand(['employer', 'emp_1'], { NODE_ENV: 'prod' })).toEqual({ exitCode: 1, stdout: '', stderr: expect.stringMatching(/NODE_ENV must be/) });
  });

  it('as a process: exits 2 with the reason on stderr for a refused id', async () => {
    const root = resolve(__dirname, '../../../..');
    const run = promisify(execFile);
    const failure = await run(process.execPath, ['-r', './test/support/register-ts.cjs', 'scripts/token.ts', 'employer', '../x'], {
      cwd: root,
      env: { ...process.env, ...env, NODE_OPTIONS: '' },
    }).then(
      () => null,
      (error: { code?: number; stdout?: string; stderr?: string }) => error,
    );
    expect(failure).toMatchObject({ code: 2, stdout: '', stderr: expect.stringMatching(/id must be 1 to 64 letters, digits, _ or -/) });
  }, 30_000);
});
