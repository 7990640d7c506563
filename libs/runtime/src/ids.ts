import { createHash, randomUUID } from 'node:crypto';

const namespace = Buffer.from('6f0b6a5e0f8a4a8e9d6a2b9b51c0e7a1', 'hex');

/**
 * A name-based (version 5) UUID: the same name always gives the same id. Outcome events use it,
 * derived from the event that caused them, so a saga re-run after a crash appends nothing twice.
 */
export function deterministicId(name: string): string {
  const hash = createHash('sha1').update(namespace).update(name).digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export const newId = (): string => randomUUID();

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
