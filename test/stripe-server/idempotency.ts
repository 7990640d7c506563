import { createHash } from 'node:crypto';
import type { FormObject, FormValue } from './form';

/** Stripe forgets idempotency keys after 24 hours. */
export const idempotencyKeyLifetimeMs = 24 * 60 * 60 * 1000;

export interface StoredResponse {
  status: number;
  body: string;
  requestId: string;
}

interface KeyRecord {
  fingerprint: string;
  createdMs: number;
  response: StoredResponse | null;
}

export type KeyClaim =
  | { kind: 'new' }
  | { kind: 'replay'; response: StoredResponse }
  | { kind: 'mismatch' }
  | { kind: 'in_flight' };

function canonical(value: FormValue): unknown {
  if (typeof value === 'string' || Array.isArray(value)) return Array.isArray(value) ? value.map(canonical) : value;
  return Object.keys(value).sort().map((key) => [key, canonical(value[key] ?? '')]);
}

/** What a key is bound to: the endpoint and a hash of its parameters (order of keys does not matter). */
export function requestFingerprint(method: string, path: string, params: FormObject): string {
  return createHash('sha256').update(JSON.stringify([method, path, canonical(params)])).digest('hex');
}

/** Stripe's idempotency semantics for POSTs: replay, reject other params, refuse concurrent use. */
export class IdempotencyKeys {
  private readonly records = new Map<string, KeyRecord>();

  constructor(private readonly nowMs: () => number) {}

  claim(key: string, fingerprint: string): KeyClaim {
    const record = this.records.get(key);
    if (record !== undefined && this.nowMs() - record.createdMs >= idempotencyKeyLifetimeMs) this.records.delete(key);
    const live = this.records.get(key);
    if (live === undefined) {
      this.records.set(key, { fingerprint, createdMs: this.nowMs(), response: null });
      return { kind: 'new' };
    }
    if (live.fingerprint !== fingerprint) return { kind: 'mismatch' };
    if (live.response === null) return { kind: 'in_flight' };
    return { kind: 'replay', response: live.response };
  }

  /** Stores the answer for replays; a 5xx is not stored (Stripe lets the client retry it). */
  complete(key: string, response: StoredResponse): void {
    const record = this.records.get(key);
    if (record === undefined) return;
    if (response.status >= 500) this.records.delete(key);
    else record.response = response;
  }

  /** The request was never applied (fault before applying): the key is free again. */
  release(key: string): void {
    const record = this.records.get(key);
    if (record !== undefined && record.response === null) this.records.delete(key);
  }
}
