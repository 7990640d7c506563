import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';

/**
 * Strict body validation: unknown fields are refused, nothing is coerced ("150" stays a string,
 * 150 stays a number and fails), and the message names the offending field by its path.
 */
export function strictValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    stopAtFirstError: true,
    exceptionFactory: (errors) => new BadRequestException(describe(errors).join('; ')),
  });
}

function describe(errors: readonly ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([kind, message]) =>
      kind === 'whitelistValidation' ? `${path}: unknown field` : `${path}: ${message.replace(new RegExp(`^${error.property} `), '')}`,
    );
    return [...own, ...describe(error.children ?? [], path)];
  });
}
