import { Metadata, status, type ServiceError } from '@grpc/grpc-js';

/**
 * A request the test server does not model is refused as UNIMPLEMENTED, naming what is missing:
 * a loud failure instead of an answer a real server might not give.
 */
export class NotModelled extends Error {
  constructor(what: string) {
    super(`EventStoreDB test server: ${what} is not modelled (use a real server, EVENTSTORE_URL)`);
    this.name = 'NotModelled';
  }
}

/** A request the server itself rejects as malformed (RpcExceptions.InvalidArgument / InvalidCombination). */
export class InvalidRequest extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidRequest';
  }
}

/** The status a failed call ends with. */
export function callError(error: unknown): Partial<ServiceError> {
  if (error instanceof NotModelled) return { code: status.UNIMPLEMENTED, details: error.message, metadata: new Metadata() };
  if (error instanceof InvalidRequest) return { code: status.INVALID_ARGUMENT, details: error.message, metadata: new Metadata() };
  return { code: status.INTERNAL, details: `EventStoreDB test server failed: ${error instanceof Error ? error.message : String(error)}`, metadata: new Metadata() };
}
