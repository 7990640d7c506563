import { roles, type Actor, type Role } from '@escrow/domain';
import { authTokenLifetimeMaxDefaultS } from '@escrow/runtime';
import jwt from 'jsonwebtoken';
import { createSecretKey, KeyObject } from 'node:crypto';
import { externalIdPattern } from '../http/validators';

/** Clock difference tolerated between a token's issuer and this server, for exp, nbf and iat. */
export const tokenClockSkewS = 60;
/** What `mintToken` and `npm run token` issue unless told otherwise (never more than the configured maximum). */
export const tokenLifetimeDefaultS = 12 * 60 * 60;

/** The sub is the party's id: it becomes a stream name and a stored id, so it follows the path-id format. */
export const subjectRule = 'must be 1 to 64 letters, digits, _ or -';
export const isPartyId = (id: unknown): id is string => typeof id === 'string' && externalIdPattern.test(id);

/** How tokens are signed and checked; `AppConfig.auth` is one. */
export interface TokenOptions {
  /**
   * The HS256 secret; a KeyObject spares jsonwebtoken from trying it as a public key on every call.
   * Null (AUTH_JWKS_URL without AUTH_SECRET): no HS256 token can be minted or checked.
   */
  readonly secret: string | KeyObject | null;
  /** When set, tokens must carry this iss (and minted tokens do). */
  readonly issuer?: string | null;
  /** When set, a token's aud must be or include this (and minted tokens carry it). */
  readonly audience?: string | null;
  /** Longest lifetime accepted (exp - iat, or exp - now without iat); the configuration's default when absent. */
  readonly tokenLifetimeMaxS?: number;
}

export type TokenAuth = string | KeyObject | TokenOptions;

export class InvalidToken extends Error {}

/** Minting or checking an HS256 token where no AUTH_SECRET is configured (only a provider's tokens are). */
export class HsSecretMissing extends Error {
  constructor() {
    super("no HS256 secret: AUTH_SECRET is not set, and with AUTH_JWKS_URL only the OpenID Connect provider's tokens are accepted");
    this.name = 'HsSecretMissing';
  }
}

export function mintToken(auth: TokenAuth, actor: Actor, lifetimeS?: number): string {
  const options = tokenOptions(auth);
  if (!isPartyId(actor.id)) throw new RangeError(`sub ${subjectRule}, got ${JSON.stringify(actor.id)}`);
  const lifetime = lifetimeS ?? Math.min(tokenLifetimeDefaultS, options.tokenLifetimeMaxS);
  if (!Number.isInteger(lifetime) || lifetime <= 0 || lifetime > options.tokenLifetimeMaxS) {
    throw new RangeError(`token lifetime must be 1 to ${options.tokenLifetimeMaxS} s, got ${lifetime}`);
  }
  return jwt.sign({ role: actor.role }, options.key, {
    algorithm: 'HS256',
    subject: actor.id,
    expiresIn: lifetime,
    ...(options.issuer ? { issuer: options.issuer } : {}),
    ...(options.audience ? { audience: options.audience } : {}),
  });
}

/**
 * HS256 only: a token that names another algorithm (or none) is refused, whatever it says.
 * Every refusal is an InvalidToken whose message names the claim or the problem.
 */
export function verifyToken(auth: TokenAuth, token: string): Actor {
  const options = tokenOptions(auth);
  let payload: jwt.JwtPayload | string;
  try {
    payload = jwt.verify(token, options.key, { algorithms: ['HS256'], clockTolerance: tokenClockSkewS });
  } catch (error) {
    throw invalid(jwtProblem(error));
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) throw invalid('payload is not an object');
  const { iss, aud, role, sub } = payload as Record<string, unknown>;
  checkTokenTimes(payload as Record<string, unknown>, options.tokenLifetimeMaxS);

  if (options.issuer && iss !== options.issuer) throw invalid(`iss must be ${JSON.stringify(options.issuer)}`);
  if (options.audience && !(Array.isArray(aud) ? aud : [aud]).includes(options.audience)) {
    throw invalid(`aud must include ${JSON.stringify(options.audience)}`);
  }

  if (typeof role !== 'string' || !(roles as readonly string[]).includes(role)) throw invalid(`role must be one of ${roles.join(', ')}`);
  if (sub === undefined) throw invalid('sub is required (the party id)');
  if (!isPartyId(sub)) throw invalid(`sub ${subjectRule} (the party id)`);
  return { role: role as Role, id: sub };
}

/**
 * exp is required, iat not in the future, and the lifetime bounded (whoever signed the token):
 * the libraries check exp only when present, and never iat, so a token without exp would never
 * expire. Called after the signature, exp and nbf were checked.
 */
export function checkTokenTimes(claims: Record<string, unknown>, tokenLifetimeMaxS: number): void {
  const { exp, iat } = claims;
  const nowS = Math.floor(Date.now() / 1000);
  if (exp === undefined) throw invalid('exp is required');
  if (typeof exp !== 'number' || !Number.isFinite(exp)) throw invalid('exp must be a number (seconds since 1970)');
  if (iat !== undefined && (typeof iat !== 'number' || !Number.isFinite(iat))) throw invalid('iat must be a number (seconds since 1970)');
  if (iat !== undefined && iat > nowS + tokenClockSkewS) {
    throw invalid(`iat is in the future (${Math.ceil(iat - nowS)} s ahead; at most ${tokenClockSkewS} s of clock skew is allowed)`);
  }
  const lifetimeS = iat === undefined ? exp - nowS : exp - iat;
  const lifetimeMaxS = tokenLifetimeMaxS + (iat === undefined ? tokenClockSkewS : 0);
  if (lifetimeS > lifetimeMaxS) {
    throw invalid(`lifetime exp - ${iat === undefined ? 'now' : 'iat'} is ${Math.ceil(lifetimeS)} s, more than the ${tokenLifetimeMaxS} s allowed`);
  }
}

/** Every refusal says "invalid bearer token: " and then the claim or the problem. */
export const invalidToken = (problem: string) => new InvalidToken(`invalid bearer token: ${problem}`);
const invalid = invalidToken;

/** jsonwebtoken's errors, said in terms of the claim or header field at fault. */
function jwtProblem(error: unknown): string {
  if (error instanceof jwt.TokenExpiredError) return `exp: the token expired at ${error.expiredAt.toISOString()}`;
  if (error instanceof jwt.NotBeforeError) return `nbf: the token is not valid before ${error.date.toISOString()}`;
  const message = (error as Error).message;
  switch (message) {
    case 'invalid algorithm':
      return 'alg must be HS256';
    case 'jwt signature is required':
      return 'alg must be HS256: the token is not signed (jwt signature is required)';
    case 'jwt malformed':
    case 'invalid token':
      return 'malformed token (expected header.payload.signature, each base64url JSON)';
    case 'invalid exp value':
      return 'exp must be a number (seconds since 1970)';
    case 'invalid nbf value':
      return 'nbf must be a number (seconds since 1970)';
    default:
      return message;
  }
}

interface ResolvedTokenOptions {
  readonly key: KeyObject;
  readonly issuer: string | null;
  readonly audience: string | null;
  readonly tokenLifetimeMaxS: number;
}

function tokenOptions(auth: TokenAuth): ResolvedTokenOptions {
  const options: TokenOptions = typeof auth === 'string' || auth instanceof KeyObject ? { secret: auth } : auth;
  if (options.secret === null) throw new HsSecretMissing();
  return {
    key: secretKey(options.secret),
    issuer: options.issuer ?? null,
    audience: options.audience ?? null,
    tokenLifetimeMaxS: options.tokenLifetimeMaxS ?? authTokenLifetimeMaxDefaultS,
  };
}

/**
 * jsonwebtoken turns a string secret into a key on every call, trying it as a public key first
 * (~350 µs); a KeyObject skips that. Kept per secret: a process has one or two.
 */
const secretKeys = new Map<string, KeyObject>();
const secretKeysMax = 16;

function secretKey(secret: string | KeyObject): KeyObject {
  if (secret instanceof KeyObject) return secret;
  let key = secretKeys.get(secret);
  if (!key) {
    if (secretKeys.size >= secretKeysMax) secretKeys.clear();
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    secretKeys.set(secret, key);
  }
  return key;
}
