import { anyTextProblem } from './text-rules';

/**
 * Reads a JSON text the way the API wants it, or says (naming the field) why not:
 * nesting is limited before anything is parsed (deep documents overflow the stack of every
 * recursive walker after the parser: validation, hashing, JSON in PostgreSQL); a key given twice
 * is refused instead of last-wins; `__proto__`, `constructor` and `prototype` are refused like
 * any unknown field, wherever they stand; every key and string must be valid text (text-rules).
 */
export const jsonDepthMax = 32;

const forbiddenKeys: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export type JsonReading = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly problem: string };

export function readJsonText(text: string, depthMax = jsonDepthMax): JsonReading {
  const scan = scanStructure(text, depthMax);
  if (scan.depthProblem) return { ok: false, problem: scan.depthProblem };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, problem: `not valid JSON (${(error as Error).message})` };
  }
  if (scan.keyProblem) return { ok: false, problem: scan.keyProblem };
  const textProblem = findTextProblem(value, '');
  return textProblem ? { ok: false, problem: textProblem } : { ok: true, value };
}

interface Frame {
  readonly kind: 'object' | 'array';
  readonly path: string;
  readonly keys: Set<string>;
  expectKey: boolean;
  lastKey: string;
  index: number;
}

interface Scan {
  depthProblem: string | null;
  keyProblem: string | null;
}

/**
 * One pass over the characters with an explicit stack (no recursion, so any depth is safe to
 * scan). It trusts JSON.parse for syntax: on malformed text its findings may be nonsense, and the
 * parser's error is what the caller reports.
 */
function scanStructure(text: string, depthMax: number): Scan {
  const scan: Scan = { depthProblem: null, keyProblem: null };
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const top = stack[stack.length - 1];
    if (c === '"') {
      const end = stringEnd(text, i);
      if (top?.kind === 'object' && top.expectKey) scan.keyProblem ??= keyProblem(top, text.slice(i, end + 1));
      i = end;
    } else if (c === '{' || c === '[') {
      const path = top ? childPath(top) : '';
      if (stack.length + 1 > depthMax) {
        scan.depthProblem = `${path === '' || path.startsWith('[') ? `body${path}` : path}: nested more than ${depthMax} levels deep`;
        return scan;
      }
      stack.push({ kind: c === '{' ? 'object' : 'array', path, keys: new Set(), expectKey: c === '{', lastKey: '', index: 0 });
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',' && top) {
      if (top.kind === 'object') top.expectKey = true;
      else top.index++;
    }
  }
  return scan;
}

function stringEnd(text: string, start: number): number {
  let j = start + 1;
  while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
  return j;
}

function keyProblem(frame: Frame, token: string): string | null {
  let key: string;
  try {
    key = JSON.parse(token) as string;
  } catch {
    return null; // JSON.parse of the whole text will say what is wrong
  }
  frame.expectKey = false;
  frame.lastKey = key;
  const path = joinPath(frame.path, key);
  if (forbiddenKeys.has(key)) return `${path}: unknown field`;
  if (frame.keys.has(key)) return `${path}: given twice`;
  frame.keys.add(key);
  return null;
}

function childPath(frame: Frame): string {
  return frame.kind === 'object' ? joinPath(frame.path, frame.lastKey) : `${frame.path}[${frame.index}]`;
}

function joinPath(parent: string, key: string): string {
  return parent ? `${parent}.${key}` : key;
}

/** Depth is bounded by now, so a recursive walk is safe. */
function findTextProblem(value: unknown, path: string): string | null {
  if (typeof value === 'string') {
    const problem = anyTextProblem(value);
    return problem ? `${path || 'body'}: ${problem}` : null;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const problem = findTextProblem(value[i], `${path}[${i}]`);
      if (problem) return problem;
    }
    return null;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const keyText = anyTextProblem(key);
      if (keyText) return `${joinPath(path, printable(key))}: field name ${keyText}`;
      const problem = findTextProblem(child, joinPath(path, key));
      if (problem) return problem;
    }
  }
  return null;
}

/** A key that is not valid text cannot be echoed as it is: show it escaped. */
function printable(key: string): string {
  return JSON.stringify(key).slice(1, -1);
}
