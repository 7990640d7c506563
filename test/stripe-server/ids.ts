import { randomInt } from 'node:crypto';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function alphanumeric(length: number): string {
  let out = '';
  for (let i = 0; i < length; i += 1) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** Stripe-like id: prefix + 24 alphanumerics (accounts use 16, as Stripe's do). */
export function newId(prefix: string): string {
  return `${prefix}_${alphanumeric(prefix === 'acct' ? 16 : 24)}`;
}

export function newSecret(id: string): string {
  return `${id}_secret_${alphanumeric(24)}`;
}

export function newFingerprint(): string {
  return alphanumeric(16);
}
