import { randomBytes } from 'node:crypto';

const idAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
// 248 = 4 × 62: bytes from 248 up would make the first eight letters likelier than the rest.
const unbiasedByteLimit = 248;

/** Lengths of the random part, as Stripe's own ids have them. */
export const idLength = {
  cus: 14,
  acct: 16,
  pi: 24,
  ch: 24,
  tr: 24,
  re: 24,
  seti: 24,
  sub: 24,
  in: 24,
  sim: 24,
} as const;

/** A random id prefixed like Stripe's (`pi_3MtwBw…`), so logs and tests read like the real thing. */
export function stripeLikeId(prefix: keyof typeof idLength): string {
  const length = idLength[prefix];
  let body = '';
  while (body.length < length) {
    for (const byte of randomBytes(length)) {
      if (byte < unbiasedByteLimit && body.length < length) body += idAlphabet.charAt(byte % idAlphabet.length);
    }
  }
  return `${prefix}_${body}`;
}
