import type { ChaosSpec, FaultKind, FaultSpec } from './types';

export const latencyDefaultMs = 10_000;

export interface ChosenFault {
  kind: FaultKind;
  latencyMs: number;
}

/** mulberry32: a tiny seeded PRNG, so a chaos run can be repeated exactly. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Decides, per request, whether it gets a fault: queued faults first, then chaos for POSTs. */
export class FaultInjector {
  private queued: { spec: FaultSpec; remaining: number }[] = [];
  private chaos: { spec: ChaosSpec; random: () => number } | null = null;

  inject(spec: FaultSpec): void {
    const times = spec.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new Error(`fault times must be a positive integer, got ${times}`);
    this.queued.push({ spec, remaining: times });
  }

  setChaos(spec: ChaosSpec | null): void {
    if (spec !== null && (spec.rate < 0 || spec.rate > 1)) throw new Error(`chaos rate must be within 0..1, got ${spec.rate}`);
    this.chaos = spec === null ? null : { spec, random: seededRandom(spec.seed) };
  }

  clear(): void {
    this.queued = [];
    this.chaos = null;
  }

  pick(method: string, path: string): ChosenFault | null {
    const queued = this.queued.find(({ spec, remaining }) => remaining > 0 && path.startsWith(spec.path)
      && (spec.method === undefined || spec.method.toUpperCase() === method));
    if (queued !== undefined) {
      queued.remaining -= 1;
      this.queued = this.queued.filter((entry) => entry.remaining > 0);
      return { kind: queued.spec.kind, latencyMs: queued.spec.latencyMs ?? latencyDefaultMs };
    }
    return this.pickChaos(method, path);
  }

  private pickChaos(method: string, path: string): ChosenFault | null {
    if (this.chaos === null || method !== 'POST') return null;
    const { spec, random } = this.chaos;
    if (spec.kinds.length === 0 || !spec.paths.some((prefix) => path.startsWith(prefix))) return null;
    if (random() >= spec.rate) return null;
    const kind = spec.kinds[Math.floor(random() * spec.kinds.length)] ?? spec.kinds[0];
    return kind === undefined ? null : { kind, latencyMs: spec.latencyMs ?? latencyDefaultMs };
  }
}
