/** Who is signed in: the bearer token and what it says of its holder (read for display only; the api checks it). */
export const roles = ['employer', 'trainer', 'support', 'finance', 'service'] as const;
export type Role = (typeof roles)[number];

export interface Session {
  readonly token: string;
  readonly role: Role;
  readonly id: string;
  /** From the token's exp; null when it has none. */
  readonly expiresAt: Date | null;
}

export class TokenUnreadable extends Error {}

const storageKey = 'escrow-console-token';

/** Reads role and sub from a JWT's payload; the signature is the api's to check, on every request. */
export function sessionOf(rawToken: string): Session {
  const token = rawToken.trim().replace(/^Bearer\s+/i, '');
  const parts = token.split('.');
  if (parts.length !== 3) throw new TokenUnreadable('a token has three parts separated by dots (header.payload.signature)');
  let payload: { role?: unknown; sub?: unknown; exp?: unknown };
  try {
    payload = JSON.parse(base64UrlDecode(parts[1] ?? '')) as typeof payload;
  } catch {
    throw new TokenUnreadable("the token's payload is not base64url JSON");
  }
  if (!roles.includes(payload.role as Role)) throw new TokenUnreadable(`the token's role must be one of ${roles.join(', ')}`);
  if (typeof payload.sub !== 'string' || payload.sub === '') throw new TokenUnreadable('the token has no sub (the party id)');
  const expiresAt = typeof payload.exp === 'number' ? new Date(payload.exp * 1000) : null;
  if (expiresAt && expiresAt.getTime() <= Date.now()) throw new TokenUnreadable(`the token expired at ${expiresAt.toISOString()}`);
  return { token, role: payload.role as Role, id: payload.sub, expiresAt };
}

function base64UrlDecode(part: string): string {
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
  return new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
}

/** Kept for the tab's life only (sessionStorage): closing the tab signs out. */
export function restoreSession(): Session | null {
  const token = sessionStorage.getItem(storageKey);
  if (!token) return null;
  try {
    return sessionOf(token);
  } catch {
    sessionStorage.removeItem(storageKey);
    return null;
  }
}

export function keepSession(session: Session | null): void {
  if (session) sessionStorage.setItem(storageKey, session.token);
  else sessionStorage.removeItem(storageKey);
}
