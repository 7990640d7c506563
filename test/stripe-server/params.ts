import { invalidRequest, missingParam, StripeApiError } from './errors';
import type { FormObject, FormValue } from './form';

/**
 * What one request parameter may be, as Stripe's API declares it. Every route carries a table of these
 * (`Route.params`), and the router checks each request against it before the handler runs: a name the
 * table does not have is refused the way Stripe refuses it (`parameter_unknown`).
 */
export type ParamSpec = { readonly required?: boolean; readonly emptyable?: boolean } & (
  | { readonly type: 'string' }
  | { readonly type: 'integer'; readonly min?: number; readonly max?: number }
  | { readonly type: 'boolean' }
  | { readonly type: 'enum'; readonly values: readonly string[] }
  /** A dictionary of any keys with string values (`metadata`); an empty value unsets a key. */
  | { readonly type: 'hash' }
  | { readonly type: 'object'; readonly fields: ParamFields }
  | { readonly type: 'array'; readonly items: ParamSpec }
  /** The first option whose form (scalar or nested) fits the value decides; e.g. `created=<n>` or `created[gte]=<n>`. */
  | { readonly type: 'anyOf'; readonly options: readonly ParamSpec[] }
  /** Stripe accepts it, but this server does not model it: refused rather than silently ignored. */
  | { readonly type: 'unsupported' }
);

export type ParamFields = Readonly<Record<string, ParamSpec>>;

type Modifiers = { required?: boolean; emptyable?: boolean };

export const string = (modifiers: Modifiers = {}): ParamSpec => ({ type: 'string', ...modifiers });
export const integer = (modifiers: Modifiers & { min?: number; max?: number } = {}): ParamSpec =>
  ({ type: 'integer', ...modifiers });
export const boolean = (modifiers: Modifiers = {}): ParamSpec => ({ type: 'boolean', ...modifiers });
export const oneOf = (values: readonly string[], modifiers: Modifiers = {}): ParamSpec =>
  ({ type: 'enum', values, ...modifiers });
export const hash = (modifiers: Modifiers = {}): ParamSpec => ({ type: 'hash', ...modifiers });
export const object = (fields: ParamFields, modifiers: Modifiers = {}): ParamSpec =>
  ({ type: 'object', fields, ...modifiers });
export const arrayOf = (items: ParamSpec, modifiers: Modifiers = {}): ParamSpec =>
  ({ type: 'array', items, ...modifiers });
export const anyOf = (options: readonly ParamSpec[], modifiers: Modifiers = {}): ParamSpec =>
  ({ type: 'anyOf', options, ...modifiers });
export const unsupported: ParamSpec = { type: 'unsupported' };

/** An object whose every key is known to Stripe but none is modelled here (e.g. `payment_method_options`). */
export function unsupportedKeys(keys: readonly string[]): ParamSpec {
  return object(Object.fromEntries(keys.map((key) => [key, unsupported])));
}

function child(path: string, key: string): string {
  return path === '' ? key : `${path}[${key}]`;
}

function isObject(value: FormValue): value is FormObject {
  return typeof value === 'object' && !Array.isArray(value);
}

/** Form arrays may have holes (`a[2]=x` alone); they are no values. */
function arrayItems(value: FormValue[]): [number, FormValue][] {
  return value.flatMap((item, index) => (item === undefined ? [] : [[index, item] as [number, FormValue]]));
}

/** Every name under `value` that `spec` does not declare, as Stripe spells it: `a[b][c]`. */
function unknownNames(spec: ParamSpec, value: FormValue, path: string): string[] {
  if (spec.type === 'object' && isObject(value)) return unknownFields(spec.fields, value, path);
  if (spec.type === 'array' && Array.isArray(value)) {
    return arrayItems(value).flatMap(([index, item]) => unknownNames(spec.items, item, child(path, String(index))));
  }
  if (spec.type === 'anyOf') {
    const fitting = spec.options.find((option) => fits(option, value));
    return fitting === undefined ? [] : unknownNames(fitting, value, path);
  }
  return [];
}

function unknownFields(fields: ParamFields, value: FormObject, path: string): string[] {
  return Object.entries(value).flatMap(([key, item]) => {
    const spec = fields[key];
    return spec === undefined ? [child(path, key)] : unknownNames(spec, item, child(path, key));
  });
}

/** Whether the value has the form (scalar, nested object, list) of `spec`; the contents are checked later. */
function fits(spec: ParamSpec, value: FormValue): boolean {
  switch (spec.type) {
    case 'object':
    case 'hash':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'anyOf':
      return spec.options.some((option) => fits(option, value));
    case 'unsupported':
      return true;
    default:
      return typeof value === 'string';
  }
}

function shown(value: FormValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** "a or b", "a, b, or c": how Stripe lists an enum's values. */
function listed(values: readonly string[]): string {
  if (values.length <= 2) return values.join(' or ');
  return `${values.slice(0, -1).join(', ')}, or ${values[values.length - 1] ?? ''}`;
}

function cannotBeEmpty(path: string): StripeApiError {
  return invalidRequest(`You passed an empty string for '${path}'. We assume empty values are an attempt to unset a parameter; however '${path}' cannot be unset. You should remove '${path}' from your request or supply a non-empty value.`,
    path, 'parameter_invalid_empty');
}

function notModelled(path: string): StripeApiError {
  return invalidRequest(`Stripe accepts the parameter ${path}, but this Stripe-compatible test server does not implement it, so it refuses it instead of ignoring it.`,
    path, 'test_server_unsupported_parameter');
}

/** Checks one present value against its spec; throws Stripe's 400 for the first problem. */
function checkValue(spec: ParamSpec, value: FormValue, path: string): void {
  if (spec.type === 'unsupported') throw notModelled(path);
  if (value === '') {
    if (spec.emptyable === true) return;
    throw cannotBeEmpty(path);
  }
  switch (spec.type) {
    case 'string':
      if (typeof value !== 'string') throw invalidRequest(`Invalid string: ${shown(value)}`, path);
      return;
    case 'integer': {
      if (typeof value !== 'string' || !/^-?\d+$/.test(value)) {
        throw invalidRequest(`Invalid integer: ${shown(value)}`, path, 'parameter_invalid_integer');
      }
      const number = Number(value);
      if (spec.min !== undefined && number < spec.min) throw invalidRequest(`This value must be greater than or equal to ${spec.min}.`, path);
      if (spec.max !== undefined && number > spec.max) throw invalidRequest(`This value must be less than or equal to ${spec.max}.`, path);
      return;
    }
    case 'boolean':
      if (value !== 'true' && value !== 'false') throw invalidRequest(`Invalid boolean: ${shown(value)}`, path);
      return;
    case 'enum':
      if (typeof value !== 'string' || !spec.values.includes(value)) {
        const name = path.split(/[[\]]+/).filter((segment) => segment !== '' && !/^\d+$/.test(segment)).pop() ?? path;
        throw invalidRequest(`Invalid ${name}: must be one of ${listed(spec.values)}`, path);
      }
      return;
    case 'hash':
      if (!isObject(value)) throw invalidRequest('Invalid hash', path);
      for (const [key, item] of Object.entries(value)) {
        if (typeof item !== 'string') throw invalidRequest('Invalid hash', child(path, key));
      }
      return;
    case 'object':
      if (!isObject(value)) throw invalidRequest('Invalid hash', path);
      checkFields(spec.fields, value, path);
      return;
    case 'array':
      if (!Array.isArray(value)) throw invalidRequest('Invalid array', path);
      for (const [index, item] of arrayItems(value)) checkValue(spec.items, item, child(path, String(index)));
      return;
    case 'anyOf': {
      // Valid when one option whose form fits accepts it; otherwise the first such option's complaint.
      const fitting = spec.options.filter((option) => fits(option, value));
      const errors: unknown[] = [];
      for (const option of fitting.length > 0 ? fitting : spec.options.slice(0, 1)) {
        try {
          checkValue(option, value, path);
          return;
        } catch (error) {
          errors.push(error);
        }
      }
      throw errors[0];
    }
    default: {
      const exhaustive: never = spec;
      return exhaustive;
    }
  }
}

function checkFields(fields: ParamFields, value: FormObject, path: string): void {
  for (const [key, spec] of Object.entries(fields)) {
    const item = value[key];
    if (item === undefined) {
      if (spec.required === true) throw missingParam(child(path, key));
      continue;
    }
    checkValue(spec, item, child(path, key));
  }
}

/**
 * Refuses `params` unless the table `fields` allows every name in it, with values of the declared types:
 * unknown names first (all of them, as Stripe lists them), then the first malformed or missing value.
 */
export function validateParams(fields: ParamFields, params: FormObject): void {
  const unknown = unknownFields(fields, params, '');
  const [first] = unknown;
  if (first !== undefined) {
    const message = unknown.length === 1 ? `Received unknown parameter: ${first}` : `Received unknown parameters: ${unknown.join(', ')}`;
    throw invalidRequest(message, first, 'parameter_unknown');
  }
  checkFields(fields, params, '');
}
