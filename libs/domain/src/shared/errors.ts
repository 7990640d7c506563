/**
 * How a business rejection should surface to a caller; the HTTP layer maps it to a status.
 * `invalid` is a command wrong in itself, whatever the state: one field rules out another
 * (the caller's request is malformed, a 400, as if its input validation had refused it).
 */
export type DomainErrorKind = 'not_found' | 'conflict' | 'forbidden' | 'unprocessable' | 'invalid';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const notFound = (code: string, message: string) => new DomainError('not_found', code, message);
export const conflict = (code: string, message: string) => new DomainError('conflict', code, message);
export const forbidden = (code: string, message: string) => new DomainError('forbidden', code, message);
export const unprocessable = (code: string, message: string) =>
  new DomainError('unprocessable', code, message);
export const invalid = (code: string, message: string) => new DomainError('invalid', code, message);
