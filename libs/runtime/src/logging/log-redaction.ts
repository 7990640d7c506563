/**
 * What never reaches a log line: credentials, whatever field or message they travel in. Pino's
 * `redact` paths name fixed places (`req.headers.authorization`) and cannot say "any key that
 * contains secret", so log objects are scrubbed by key name instead, at any depth, and strings
 * by the shapes credentials have (a bearer header, a JWT, Stripe keys and webhook secrets).
 */

export const redacted = '[Redacted]';

/** Keys whose values are dropped wherever they appear (headers included: authorization, cookie, stripe-signature). */
export const secretKeyPattern = /secret|password|passwd|token|authorization|cookie|signature|api[-_]?key|private[-_]?key|credential/i;

/** Credentials recognisable by their shape inside free text (messages, error stacks). */
const secretTextPatterns: readonly (readonly [RegExp, string])[] = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${redacted}`],
  [/\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g, redacted],
  [/\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9_]+/g, redacted],
  [/\bwhsec_[A-Za-z0-9_]+/g, redacted],
];

/** Deeper than any object the app logs: past it a value is replaced, not walked (a cycle cannot loop). */
export const redactionDepthMax = 8;

export function redactSecretText(text: string): string {
  return secretTextPatterns.reduce((scrubbed, [pattern, replacement]) => scrubbed.replace(pattern, replacement), text);
}

/**
 * A copy of `value` with every secret-named key's value replaced and every string scrubbed.
 * Class instances are kept as they are: errors are scrubbed by the logger's `err` serializer
 * (which walks its own plain output through here), dates and buffers hold no secret keys.
 */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactSecretText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= redactionDepthMax) return redacted;
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1));
  if (!isPlainObject(value)) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(value)) {
    copy[key] = secretKeyPattern.test(key) ? redacted : redactSecrets(field, depth + 1);
  }
  return copy;
}

function isPlainObject(value: object): boolean {
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
