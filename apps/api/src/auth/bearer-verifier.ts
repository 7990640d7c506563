import type { Actor } from '@escrow/domain';
import type { AuthConfig } from '@escrow/runtime';
import { decodeProtectedHeader, type JWTVerifyGetKey } from 'jose';
import { createSecretKey } from 'node:crypto';
import { oidcAlgorithms, oidcVerifier } from './oidc-tokens';
import { invalidToken, verifyToken, type TokenOptions } from './tokens';

/** A bearer token to the principal it names; refusals are InvalidToken (401), KeySetUnavailable (503). */
export type BearerVerifier = (token: string) => Promise<Actor>;

/**
 * The token's own `alg` picks the one key that may verify it: HS256 the shared secret, RS256 and
 * ES256 the provider's published keys, nothing else anything. So a token can never get an HMAC
 * checked with a public key (alg confusion), and `none` is never a way in.
 * Without AUTH_JWKS_URL this is exactly the HS256 check of before, with its refusals.
 * `keys` replaces the provider's remote key set (unit tests).
 */
export function bearerVerifier(auth: AuthConfig, keys?: JWTVerifyGetKey): BearerVerifier {
  // The secret as a key built once: jsonwebtoken would otherwise rebuild it on every call.
  const hs: TokenOptions | null = auth.secret === null ? null : { ...auth, secret: createSecretKey(Buffer.from(auth.secret, 'utf8')) };
  if (auth.oidc === null) {
    if (hs === null) throw new Error('bearerVerifier: no AUTH_SECRET and no AUTH_JWKS_URL (loadConfig never gives this)');
    return async (token) => verifyToken(hs, token);
  }
  const oidc = oidcVerifier(auth.oidc, auth.tokenLifetimeMaxS, keys);
  const accepted: readonly string[] = hs ? ['HS256', ...oidcAlgorithms] : oidcAlgorithms;
  return async (token) => {
    const alg = headerAlg(token);
    if (alg === 'HS256' && hs) return verifyToken(hs, token);
    if ((oidcAlgorithms as readonly string[]).includes(alg)) return oidc(token);
    throw invalidToken(`alg must be ${accepted.join(', ')}, not ${JSON.stringify(alg)}`);
  };
}

function headerAlg(token: string): string {
  let alg: unknown;
  try {
    ({ alg } = decodeProtectedHeader(token));
  } catch {
    throw invalidToken('malformed token (expected header.payload.signature, each base64url JSON)');
  }
  if (typeof alg !== 'string') throw invalidToken('alg is required in the token header');
  return alg;
}
