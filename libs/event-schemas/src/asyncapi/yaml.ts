/**
 * A small YAML writer for JSON-shaped data (objects, arrays, strings, numbers, booleans, null),
 * so the AsyncAPI document is generated without a YAML dependency. Strings that could be read
 * as anything else are double-quoted in JSON syntax, which YAML reads the same way.
 */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

const indentUnit = '  ';
const plainString = /^[A-Za-z_][A-Za-z0-9_ .,;()'/<>+=-]*$/;
const plainKey = /^[A-Za-z_$][A-Za-z0-9_$.-]*$/;
const reservedWords = /^(true|false|null|yes|no|on|off|y|n|~)$/i;

export function toYaml(value: JsonValue): string {
  return `${lines(value, '').join('\n')}\n`;
}

function lines(value: JsonValue, indent: string): string[] {
  if (isObject(value)) return objectLines(value, indent);
  if (Array.isArray(value)) return arrayLines(value, indent);
  return [`${indent}${scalar(value as string | number | boolean | null)}`];
}

function objectLines(value: { readonly [key: string]: JsonValue }, indent: string): string[] {
  return Object.entries(value).flatMap(([key, child]) => {
    const head = `${indent}${yamlKey(key)}:`;
    if (isInline(child)) return [`${head} ${inline(child)}`];
    if (typeof child === 'string') return [`${head} |-`, ...child.split('\n').map((line) => (line === '' ? '' : `${indent}${indentUnit}${line}`))];
    return [head, ...lines(child, indent + indentUnit)];
  });
}

/** `- ` stands in for the first two spaces of the item's own indentation. */
function arrayLines(value: readonly JsonValue[], indent: string): string[] {
  return value.flatMap((item) => {
    if (isInline(item)) return [`${indent}- ${inline(item)}`];
    const [first = '', ...rest] = lines(item, indent + indentUnit);
    return [`${indent}- ${first.slice(indent.length + indentUnit.length)}`, ...rest];
  });
}

function isInline(value: JsonValue): boolean {
  if (isObject(value)) return Object.keys(value).length === 0;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value !== 'string' || !asBlock(value);
}

/** Multi-line text as a literal block, unless a block could not give it back exactly. */
function asBlock(value: string): boolean {
  return value.includes('\n') && !/^\s/.test(value) && !value.endsWith('\n');
}

function inline(value: JsonValue): string {
  if (isObject(value)) return '{}';
  if (Array.isArray(value)) return '[]';
  return scalar(value as string | number | boolean | null);
}

function scalar(value: string | number | boolean | null): string {
  if (value === null) return 'null';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`YAML for JSON data cannot hold ${value}`);
    return String(value);
  }
  if (typeof value === 'boolean') return String(value);
  const plain = plainString.test(value) && !reservedWords.test(value) && !value.includes(': ') && !value.endsWith(' ') && !value.endsWith(':');
  return plain ? value : JSON.stringify(value);
}

function yamlKey(key: string): string {
  return plainKey.test(key) && !reservedWords.test(key) ? key : JSON.stringify(key);
}

function isObject(value: JsonValue): value is { readonly [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
