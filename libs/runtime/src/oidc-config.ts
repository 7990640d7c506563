/**
 * Bearer tokens of an OpenID Connect provider (Keycloak, Auth0, Entra ID, Okta…): signed with
 * RS256 or ES256 by keys the provider publishes as a JSON Web Key Set. Parsed here, beside
 * config.ts, which turns a `problem` into its ConfigError.
 */
export interface OidcConfig {
  /** AUTH_JWKS_URL: the provider's key set (the `jwks_uri` of its /.well-known/openid-configuration). */
  readonly jwksUrl: string;
  /** AUTH_ISSUER, required with AUTH_JWKS_URL: the provider's `iss`, exactly. */
  readonly issuer: string;
  /**
   * AUTH_AUDIENCE, required with AUTH_JWKS_URL: a provider signs tokens for all its clients, so
   * without it a token issued to any other application would be accepted here.
   */
  readonly audience: string;
  /**
   * AUTH_ROLE_CLAIM: where a token says its role. A claim name, or a dotted path into nested
   * claims (`realm_access.roles`); a name that exists as a top-level claim is taken whole (Auth0's
   * namespaced `https://example.com/role`). Its value is a role, or an array holding exactly one role.
   */
  readonly roleClaim: string;
  /** AUTH_SUBJECT_CLAIM: the claim holding the party id (as a path, like the role claim). */
  readonly subjectClaim: string;
  /** AUTH_JWKS_COOLDOWN_MS: least time between two fetches of the key set (a token with an unknown kid asks for one). */
  readonly jwksCooldownMs: number;
  /** AUTH_JWKS_CACHE_MAX_AGE_MS: fetched keys are used this long before the key set is fetched again. */
  readonly jwksCacheMaxAgeMs: number;
}

export const oidcRoleClaimDefault = 'role';
export const oidcSubjectClaimDefault = 'sub';
/** jose's defaults: a provider rotating keys is seen within 30 s, and unknown kids cannot make us hammer it. */
export const jwksCooldownMsDefault = 30_000;
export const jwksCacheMaxAgeMsDefault = 10 * 60_000;
const jwksCooldownMsLowest = 100;
const jwksCooldownMsHighest = 10 * 60_000;
const jwksCacheMaxAgeMsLowest = 1_000;
const jwksCacheMaxAgeMsHighest = 24 * 60 * 60_000;
export const oidcClaimPathLengthMax = 256;

/** The variables that only mean something with AUTH_JWKS_URL. */
const oidcOnlyVariables = ['AUTH_ROLE_CLAIM', 'AUTH_SUBJECT_CLAIM', 'AUTH_JWKS_COOLDOWN_MS', 'AUTH_JWKS_CACHE_MAX_AGE_MS'] as const;

export interface OidcConfigContext {
  readonly production: boolean;
  /** AUTH_ISSUER / AUTH_AUDIENCE as config.ts already checked them (null = unset). */
  readonly issuer: string | null;
  readonly audience: string | null;
}

export function parseOidcConfig(env: NodeJS.ProcessEnv, context: OidcConfigContext): { readonly problem: string } | { readonly oidc: OidcConfig | null } {
  const url = env.AUTH_JWKS_URL;
  if (url === undefined || url === '') {
    const stray = oidcOnlyVariables.find((name) => env[name] !== undefined && env[name] !== '');
    return stray ? { problem: `${stray} needs AUTH_JWKS_URL: it configures tokens of an OpenID Connect provider` } : { oidc: null };
  }
  const jwksUrl = jwksUrlProblem(url, context.production);
  if (jwksUrl) return { problem: jwksUrl };
  if (context.issuer === null) return { problem: "AUTH_JWKS_URL needs AUTH_ISSUER: the provider's issuer, exactly as its tokens' iss says it" };
  if (context.audience === null) {
    return { problem: 'AUTH_JWKS_URL needs AUTH_AUDIENCE: the aud the provider puts in tokens for this API (else tokens it issued to any other application would pass)' };
  }
  const roleClaim = claimPath(env.AUTH_ROLE_CLAIM, 'AUTH_ROLE_CLAIM', oidcRoleClaimDefault);
  const subjectClaim = claimPath(env.AUTH_SUBJECT_CLAIM, 'AUTH_SUBJECT_CLAIM', oidcSubjectClaimDefault);
  const cooldown = milliseconds(env.AUTH_JWKS_COOLDOWN_MS, 'AUTH_JWKS_COOLDOWN_MS', jwksCooldownMsDefault, jwksCooldownMsLowest, jwksCooldownMsHighest);
  const cacheMaxAge = milliseconds(
    env.AUTH_JWKS_CACHE_MAX_AGE_MS,
    'AUTH_JWKS_CACHE_MAX_AGE_MS',
    jwksCacheMaxAgeMsDefault,
    jwksCacheMaxAgeMsLowest,
    jwksCacheMaxAgeMsHighest,
  );
  for (const parsed of [roleClaim, subjectClaim, cooldown, cacheMaxAge]) if (typeof parsed === 'object') return parsed;
  return {
    oidc: {
      jwksUrl: url,
      issuer: context.issuer,
      audience: context.audience,
      roleClaim: roleClaim as string,
      subjectClaim: subjectClaim as string,
      jwksCooldownMs: cooldown as number,
      jwksCacheMaxAgeMs: cacheMaxAge as number,
    },
  };
}

function jwksUrlProblem(raw: string, production: boolean): string | null {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    return `AUTH_JWKS_URL must be an absolute http(s) URL, got ${JSON.stringify(raw)}`;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return `AUTH_JWKS_URL must be an http(s) URL, got ${JSON.stringify(raw)}`;
  // Whoever can alter the key set in transit can sign any token: plain http only outside production.
  if (production && parsed.protocol !== 'https:') return `AUTH_JWKS_URL must be https when NODE_ENV=production, got ${JSON.stringify(raw)}`;
  return null;
}

/** A claim name or dotted path: printable, no spaces, no empty segment. */
function claimPath(raw: string | undefined, name: string, fallback: string): string | { problem: string } {
  if (raw === undefined || raw === '') return fallback;
  const printable = !/[\s\u0000-\u001f\u007f]/.test(raw);
  if (raw.length > oidcClaimPathLengthMax || !printable || raw.split('.').includes('')) {
    return { problem: `${name} must be a claim name or a dotted path (realm_access.roles) of at most ${oidcClaimPathLengthMax} printable characters, got ${JSON.stringify(raw)}` };
  }
  return raw;
}

function milliseconds(raw: string | undefined, name: string, fallback: number, min: number, max: number): number | { problem: string } {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) return { problem: `${name} must be an integer, got ${JSON.stringify(raw)}` };
  const value = Number(raw);
  if (value < min || value > max) return { problem: `${name} must be between ${min} and ${max}, got ${value}` };
  return value;
}
