import { BadRequestException, ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';

/** Bodies are JSON objects; an array or a bare value is refused before field validation. */
class StrictValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && (value === null || typeof value !== 'object' || Array.isArray(value))) {
      throw new BadRequestException('body: must be a JSON object');
    }
    return super.transform(value, metadata);
  }
}

/**
 * Strict body validation: unknown fields are refused, nothing is coerced ("150" stays a string,
 * 150 stays a number and fails), and the message names the offending field by its path and says
 * its most basic problem: missing before wrong type before wrong content.
 */
export function strictValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    // Every constraint is checked so that the most basic problem can be the one reported.
    stopAtFirstError: false,
    exceptionFactory: (errors) => new BadRequestException(describe(errors).join('; ')),
  });
}

/** The order in which a field's problems matter: a missing value is not "too long". */
const constraintPriority = ['whitelistValidation', 'isDefined', 'isString', 'isObject', 'isIn', 'isNotEmpty', 'matches'];

function describe(errors: readonly ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [`${path}: ${problem(error, error.constraints)}`] : [];
    return [...own, ...describe(error.children ?? [], path)];
  });
}

function problem(error: ValidationError, constraints: Record<string, string>): string {
  if (constraints.whitelistValidation) return 'unknown field';
  const withoutName = (message: string) => message.replace(new RegExp(`^${error.property} `), '');
  // A rule-specific message ("trainerAmount is required for a split") says more than the default.
  const custom = constraints.isDefined && !constraints.isDefined.endsWith('should not be null or undefined');
  if (error.value === undefined) return custom ? withoutName(constraints.isDefined!) : 'is required';
  if (error.value === null) return 'is required (null given)';
  const kind = constraintPriority.find((name) => constraints[name] !== undefined) ?? Object.keys(constraints)[0]!;
  return withoutName(constraints[kind]!);
}
