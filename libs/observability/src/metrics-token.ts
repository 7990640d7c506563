import { createHash, timingSafeEqual } from 'node:crypto';

/** Why a scrape was refused; null when the credential is right. */
export type MetricsRefusal = { readonly status: 401 | 403; readonly message: string } | null;

const bearerScheme = /^Bearer\s+(\S+)\s*$/i;

/**
 * `/metrics` takes `Authorization: Bearer <METRICS_TOKEN>`, a static secret, not a user's JWT:
 * Prometheus sends a fixed credential (`authorization: { credentials_file: … }`), while our JWTs
 * expire within AUTH_TOKEN_LIFETIME_MAX_S and name a party, which a scraper is not. Compared in
 * constant time over digests, so neither the content nor the length leaks through timing.
 */
export function metricsRefusal(expected: string | null, authorization: string | undefined): MetricsRefusal {
  if (expected === null) return { status: 403, message: 'metrics are off: set METRICS_TOKEN to serve them' };
  if (!authorization) return { status: 401, message: 'missing bearer token (Authorization: Bearer <METRICS_TOKEN>)' };
  const given = bearerScheme.exec(authorization)?.[1];
  if (given === undefined || !timingSafeEqual(digest(given), digest(expected))) {
    return { status: 401, message: 'invalid metrics token: /metrics takes Authorization: Bearer <METRICS_TOKEN>' };
  }
  return null;
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
