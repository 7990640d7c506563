/** Compares the JSON shape of `actual` with Stripe's example `expected`, returning every difference. */

type JsonType = 'null' | 'array' | 'object' | 'string' | 'number' | 'boolean';

function jsonType(value: unknown): JsonType {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean') return type;
  return 'object';
}

/** Keys whose value is a dictionary (its keys are data, not schema): only the value types are compared. */
const dictionaryKeys = new Set(['metadata', 'capabilities']);

function dictionaryDifferences(actual: Record<string, unknown>, expected: Record<string, unknown>,
  path: string): string[] {
  const expectedValue = Object.values(expected)[0];
  if (expectedValue === undefined) return [];
  return Object.entries(actual).flatMap(([key, value]) => shapeDifferences(value, expectedValue, `${path}.${key}`));
}

/**
 * Same key set at every object level; same JSON type per key where both sides are non-null (null on either
 * side means nullable); arrays compared through their first elements when both are non-empty.
 */
export function shapeDifferences(actual: unknown, expected: unknown, path = '$'): string[] {
  const [actualType, expectedType] = [jsonType(actual), jsonType(expected)];
  if (actualType === 'null' || expectedType === 'null') return [];
  if (actualType !== expectedType) return [`${path}: type ${actualType}, Stripe's is ${expectedType}`];
  if (actualType === 'array') {
    const [first, expectedFirst] = [(actual as unknown[])[0], (expected as unknown[])[0]];
    return first === undefined || expectedFirst === undefined ? [] : shapeDifferences(first, expectedFirst, `${path}[0]`);
  }
  if (actualType !== 'object') return [];
  if (dictionaryKeys.has(path.slice(path.lastIndexOf('.') + 1))) {
    return dictionaryDifferences(actual as Record<string, unknown>, expected as Record<string, unknown>, path);
  }
  const actualObject = actual as Record<string, unknown>;
  const expectedObject = expected as Record<string, unknown>;
  const differences: string[] = [];
  for (const key of Object.keys(expectedObject)) {
    if (!(key in actualObject)) differences.push(`${path}.${key}: missing (Stripe has it)`);
  }
  for (const key of Object.keys(actualObject)) {
    if (!(key in expectedObject)) differences.push(`${path}.${key}: extra (Stripe has no such key)`);
    else differences.push(...shapeDifferences(actualObject[key], expectedObject[key], `${path}.${key}`));
  }
  return differences;
}
