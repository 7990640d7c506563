import { registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';

/**
 * The text rules, in one place. Every text the API takes ends up in events that finance exports,
 * support reads in a console and PostgreSQL stores, so:
 * - any text (every string and key of a body, every query value): valid UTF-16 (no unpaired
 *   surrogate, which PostgreSQL refuses and no encoder can write) and no NUL (U+0000, which
 *   PostgreSQL text cannot hold);
 * - single-line text (names): none of the control characters (C0, DEL, C1, U+2028/U+2029) inside
 *   it, and no bidirectional formatting characters (U+202A–U+202E, U+2066–U+2069), which can make
 *   a name display as something else ("Trojan Source"); surrounding whitespace is trimmed;
 * - multi-line text (descriptions, notes, reasons): tab, line feed and carriage return are
 *   allowed, other control characters are not; bidirectional marks are left to the writer.
 */
export type TextKind = 'single-line' | 'multi-line';

const nul = /\u0000/;
const unpairedSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const singleLineForbidden = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const multiLineForbidden = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const bidiFormatting = /[\u202a-\u202e\u2066-\u2069]/;

/** What is wrong with any text (null: nothing), whatever field it is in. */
export function anyTextProblem(value: string): string | null {
  if (unpairedSurrogate.test(value)) return 'must be valid Unicode text (it holds an unpaired surrogate)';
  if (nul.test(value)) return 'must not contain NUL (U+0000)';
  return null;
}

export function textProblem(value: string, kind: TextKind): string | null {
  const basic = anyTextProblem(value);
  if (basic) return basic;
  if (kind === 'multi-line') {
    return multiLineForbidden.test(value) ? 'must not contain control characters other than tab and line breaks' : null;
  }
  const text = value.trim();
  if (singleLineForbidden.test(text)) return 'must be one line without control characters';
  if (bidiFormatting.test(text)) return 'must not contain bidirectional formatting characters (U+202A–U+202E, U+2066–U+2069)';
  return null;
}

function textDecorator(kind: TextKind, options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: kind === 'single-line' ? 'isSingleLineText' : 'isMultiLineText',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        // Type checks are IsString's: this rule speaks only about strings.
        validate: (value: unknown) => typeof value !== 'string' || textProblem(value, kind) === null,
        defaultMessage: (args: ValidationArguments) => `${args.property} ${textProblem(String(args.value), kind) ?? 'is invalid'}`,
      },
    });
}

/** A name: one line, no control or bidirectional formatting characters. */
export const IsSingleLineText = (options?: ValidationOptions) => textDecorator('single-line', options);

/** A description, note or reason: line breaks and tabs allowed, other control characters not. */
export const IsMultiLineText = (options?: ValidationOptions) => textDecorator('multi-line', options);
