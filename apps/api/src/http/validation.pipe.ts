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
 * 150 stays a number and fails), and the message names the offending field by its path.
 */
export function strictValidationPipe(): ValidationPipe {
  return new StrictValidationPipe({
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
