import { roles, type Actor, type Role } from '@escrow/domain';
import type { OidcConfig } from '@escrow/runtime';
// jose is ESM-only. The built app (CommonJS) loads it with a plain require(), which Node >= 20.19
// (package.json engines) does for ES modules; under Jest, jest.config.js compiles it to CommonJS
// like @nestjs. So a static import works in both, and no dynamic import() at startup is needed.
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { checkTokenTimes, invalidToken, isPartyId, subjectRule, tokenClockSkewS } from './tokens';

/** What the provider may sign with; HS256 stays with the shared secret (tokens.ts), `none` with nobody. */
export const oidcAlgorithms = ['RS256', 'ES256'] as const;
/** A key-set fetch that takes longer fails the request (503) instead of holding it. */
export const jwksFetchTimeoutMs = 5_000;

/** The provider's key set could not be fetched (down, slow, not a key set): not the token's fault. */
export class KeySetUnavailable extends Error {
  constructor(cause: unknown) {
    super(`the identity provider's signing keys cannot be fetched right now (${(cause as Error)?.message ?? String(cause)}); try again`);
    this.name = 'KeySetUnavailable';
  }
}

export type OidcVerifier = (token: string) => Promise<Actor>;

/**
 * The provider's keys, fetched on first use and cached (`jwksCacheMaxAgeMs`). A token whose kid is
 * not in the cache makes jose fetch the set again, at most once per `jwksCooldownMs`: so a rotated
 * key is picked up when its first token arrives, and a retired one fails once it left the set.
 */
export function remoteKeySet(config: OidcConfig): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(config.jwksUrl), {
    timeoutDuration: jwksFetchTimeoutMs,
    cooldownDuration: config.jwksCooldownMs,
    cacheMaxAge: config.jwksCacheMaxAgeMs,
  });
}

/**
 * Checks a provider's token (signature by a published key, iss, aud, exp, nbf with the clock skew
 * HS256 tokens get, the same lifetime bound) and maps its claims onto the principal HS256 tokens
 * carry: a role and a party id. Refusals are InvalidToken; an unreachable key set is KeySetUnavailable.
 */
export function oidcVerifier(config: OidcConfig, tokenLifetimeMaxS: number, keys: JWTVerifyGetKey = remoteKeySet(config)): OidcVerifier {
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        algorithms: [...oidcAlgorithms],
        issuer: config.issuer,
        audience: config.audience,
        clockTolerance: tokenClockSkewS,
      }));
    } catch (error) {
      throw refusal(error, config);
    }
    checkTokenTimes(payload, tokenLifetimeMaxS);
    return { role: roleOf(payload, config.roleClaim), id: subjectOf(payload, config.subjectClaim) };
  };
}

/**
 * A claim by its whole name when the token has one so named (Auth0's `https://example.com/role`),
 * else by a dotted path through nested objects (`realm_access.roles`). Own properties only.
 */
export function claimAt(claims: Record<string, unknown>, path: string): unknown {
  if (Object.hasOwn(claims, path)) return claims[path];
  let value: unknown = claims;
  for (const segment of path.split('.')) {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

const isRole = (value: unknown): value is Role => typeof value === 'string' && (roles as readonly string[]).includes(value);

/**
 * A role, or an array of the provider's roles of which exactly one is ours (others, such as
 * Keycloak's offline_access, are ignored). Two of ours would make the principal ambiguous.
 */
function roleOf(claims: Record<string, unknown>, claim: string): Role {
  const value = claimAt(claims, claim);
  const named: unknown[] = Array.isArray(value) ? value : [value];
  const ours = [...new Set(named.filter(isRole))];
  if (ours.length === 1) return ours[0]!;
  if (ours.length === 0) throw invalidToken(`${claim} must hold one of ${roles.join(', ')}`);
  throw invalidToken(`${claim} holds several roles (${ours.join(', ')}); a token must map to exactly one`);
}

function subjectOf(claims: Record<string, unknown>, claim: string): string {
  const value = claimAt(claims, claim);
  if (value === undefined) throw invalidToken(`${claim} is required (the party id)`);
  if (!isPartyId(value)) throw invalidToken(`${claim} ${subjectRule} (the party id)`);
  return value;
}

/** jose's errors, said as the HS256 path says them; anything that is not about the token is KeySetUnavailable. */
function refusal(error: unknown, config: OidcConfig): Error {
  if (error instanceof errors.JWTExpired) {
    const exp = error.payload.exp;
    return invalidToken(typeof exp === 'number' ? `exp: the token expired at ${new Date(exp * 1000).toISOString()}` : 'exp: the token expired');
  }
  if (error instanceof errors.JWTClaimValidationFailed) return invalidToken(claimProblem(error, config));
  if (error instanceof errors.JOSEAlgNotAllowed) return invalidToken(`alg must be ${oidcAlgorithms.join(' or ')}`);
  if (error instanceof errors.JWSSignatureVerificationFailed) return invalidToken('signature verification failed');
  if (error instanceof errors.JWKSNoMatchingKey) return invalidToken("no key of the identity provider matches the token's kid (an unknown or retired key)");
  if (error instanceof errors.JWKSMultipleMatchingKeys) return invalidToken('several keys of the identity provider match: the token must name its kid');
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return invalidToken(`malformed token (${error.message})`);
  if (error instanceof errors.JOSENotSupported) return invalidToken(`not supported: ${error.message}`);
  // JWKSTimeout, JWKSInvalid, a non-200 answer, a refused connection.
  return new KeySetUnavailable(error);
}

function claimProblem(error: InstanceType<typeof errors.JWTClaimValidationFailed>, config: OidcConfig): string {
  const { claim, reason, payload } = error;
  if (reason === 'missing') return `${claim} is required`;
  // jose says "invalid" only of exp, nbf and iat that are not numbers.
  if (reason === 'invalid') return `${claim} must be a number (seconds since 1970)`;
  switch (claim) {
    case 'iss':
      return `iss must be ${JSON.stringify(config.issuer)}`;
    case 'aud':
      return `aud must include ${JSON.stringify(config.audience)}`;
    case 'nbf':
      return typeof payload.nbf === 'number' ? `nbf: the token is not valid before ${new Date(payload.nbf * 1000).toISOString()}` : 'nbf is not reached';
    default:
      return `${claim}: ${error.message}`;
  }
}
