import { InvalidAmount, Money } from '@escrow/domain';
import { Matches, registerDecorator, type ValidationArguments, type ValidationOptions } from 'class-validator';

/** An API amount: a decimal string such as "150.00", > 0, <= 1,000,000.00, at most 2 decimals. */
export function IsMoneyAmount(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isMoneyAmount',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) => amountProblem(value) === null,
        defaultMessage: (args: ValidationArguments) => `${args.property} ${amountProblem(args.value) ?? 'is invalid'}`,
      },
    });
}

function amountProblem(value: unknown): string | null {
  try {
    Money.parse(value);
    return null;
  } catch (error) {
    if (error instanceof InvalidAmount) return error.reason;
    throw error;
  }
}

const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A calendar date "YYYY-MM-DD" that exists (no 2026-02-30). */
export function IsCalendarDate(options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name: 'isCalendarDate',
      target: target.constructor,
      propertyName,
      options,
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isCalendarDate(value),
        defaultMessage: (args: ValidationArguments) => `${args.property} must be a date written YYYY-MM-DD`,
      },
    });
}

function isCalendarDate(value: string): boolean {
  const match = dateOnly.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Text that must say something: "" and whitespace-only ("   ", "\t\n") are refused (names are stored trimmed). */
export function IsNotBlank(options?: ValidationOptions) {
  return Matches(/\S/, { message: (args: ValidationArguments) => `${args.property} must not be blank`, ...options });
}

/** Ids that also name streams: a conservative alphabet keeps stream names unambiguous. */
export const externalIdPattern = /^[A-Za-z0-9_-]{1,64}$/;
export const nameLengthMax = 200;
export const descriptionLengthMax = 2_000;
export const reasonLengthMax = 1_000;
