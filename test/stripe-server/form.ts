import { invalidRequest, missingParam } from './errors';

/** A value as the SDK form-encodes it: strings, nested objects (`a[b]=`) and arrays (`a[]=`, `a[0]=`). */
export type FormValue = string | FormValue[] | FormObject;
export type FormObject = { [key: string]: FormValue };

function keyPath(key: string): string[] {
  const open = key.indexOf('[');
  if (open < 0) return [key];
  const segments = [key.slice(0, open)];
  for (const match of key.slice(open).matchAll(/\[([^\]]*)\]/g)) segments.push(match[1] ?? '');
  return segments;
}

function setPath(root: FormObject, path: string[], value: string): void {
  let container: FormObject | FormValue[] = root;
  for (let i = 0; i < path.length; i += 1) {
    const segment = path[i] ?? '';
    const last = i === path.length - 1;
    const nextIsArray = !last && (path[i + 1] === '' || /^\d+$/.test(path[i + 1] ?? ''));
    const fresh: FormValue = last ? value : nextIsArray ? [] : {};
    if (Array.isArray(container)) {
      const index = segment === '' ? container.length : Number(segment);
      const existing = container[index];
      container[index] = last || existing === undefined || typeof existing === 'string' ? fresh : existing;
      container = container[index] as FormObject | FormValue[];
    } else {
      const existing = container[segment];
      container[segment] = last || existing === undefined || typeof existing === 'string' ? fresh : existing;
      container = container[segment] as FormObject | FormValue[];
    }
  }
}

/** Parses `application/x-www-form-urlencoded` (body or query string) into nested params. */
export function parseForm(encoded: string): FormObject {
  const root: FormObject = {};
  for (const [key, value] of new URLSearchParams(encoded)) setPath(root, keyPath(key), value);
  return root;
}

/** Typed reads of request params, answering Stripe's 400s for missing or malformed values. */
export class Params {
  constructor(readonly raw: FormObject) {}

  has(name: string): boolean {
    return this.raw[name] !== undefined && this.raw[name] !== '';
  }

  optString(name: string): string | null {
    const value = this.raw[name];
    if (value === undefined || value === '') return null;
    if (typeof value !== 'string') throw invalidRequest(`Invalid string: ${name}`, name);
    return value;
  }

  string(name: string): string {
    const value = this.optString(name);
    if (value === null) throw missingParam(name);
    return value;
  }

  optInt(name: string): number | null {
    const value = this.optString(name);
    if (value === null) return null;
    if (!/^-?\d+$/.test(value)) throw invalidRequest(`Invalid integer: ${value}`, name);
    return Number(value);
  }

  int(name: string): number {
    const value = this.optInt(name);
    if (value === null) throw missingParam(name);
    return value;
  }

  positiveAmount(name: string): number {
    const value = this.int(name);
    if (value < 1) throw invalidRequest('This value must be greater than or equal to 1.', name);
    return value;
  }

  bool(name: string): boolean {
    const value = this.optString(name);
    if (value === null || value === 'false') return false;
    if (value === 'true') return true;
    throw invalidRequest(`Invalid boolean: ${value}`, name);
  }

  /** Stripe metadata: a flat map of strings (an empty string unsets a key). */
  metadata(): Record<string, string> {
    const value = this.raw['metadata'];
    if (value === undefined || value === '') return {};
    if (typeof value === 'string' || Array.isArray(value)) throw invalidRequest('Invalid hash', 'metadata');
    const out: Record<string, string> = {};
    for (const [key, item] of Object.entries(value)) {
      if (typeof item !== 'string') throw invalidRequest('Invalid hash', `metadata[${key}]`);
      if (item !== '') out[key] = item;
    }
    return out;
  }

  stringArray(name: string): string[] {
    const value = this.raw[name];
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw invalidRequest(`Invalid array`, name);
    return value.filter((item): item is string => typeof item === 'string');
  }

  object(name: string): FormObject {
    const value = this.raw[name];
    if (value === undefined || typeof value === 'string' || Array.isArray(value)) return {};
    return value;
  }
}
