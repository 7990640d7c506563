import { missingParam } from './errors';
import type { ParamFields } from './params';

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

/**
 * Typed reads of a request's parameters. The router has already checked them against the route's table
 * (`routeParams`), so values have the declared types here; reading a name the table does not declare is a
 * bug in this server. An empty value (Stripe's "unset") reads as absent.
 */
export class Params {
  constructor(readonly raw: FormObject, private readonly table: ParamFields) {}

  private value(name: string): FormValue | undefined {
    if (this.table[name] === undefined) {
      throw new Error(`the handler reads '${name}', which its route's parameter table does not declare`);
    }
    const value = this.raw[name];
    return value === '' ? undefined : value;
  }

  optString(name: string): string | null {
    const value = this.value(name);
    return typeof value === 'string' ? value : null;
  }

  /** A parameter the handler cannot do without (the table marks most such ones required already). */
  string(name: string): string {
    const value = this.optString(name);
    if (value === null) throw missingParam(name);
    return value;
  }

  optInt(name: string): number | null {
    const value = this.optString(name);
    return value === null ? null : Number(value);
  }

  int(name: string): number {
    return Number(this.string(name));
  }

  bool(name: string): boolean {
    return this.optString(name) === 'true';
  }

  /** Stripe metadata: a flat map of strings (an empty string unsets a key). */
  metadata(): Record<string, string> {
    const value = this.value('metadata');
    if (value === undefined || typeof value === 'string' || Array.isArray(value)) return {};
    return Object.fromEntries(Object.entries(value)
      .filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1] !== ''));
  }

  stringArray(name: string): string[] {
    const value = this.value(name);
    if (!Array.isArray(value)) return [];
    return value.filter((item): item is string => typeof item === 'string');
  }

  object(name: string): FormObject {
    const value = this.value(name);
    if (value === undefined || typeof value === 'string' || Array.isArray(value)) return {};
    return value;
  }
}
