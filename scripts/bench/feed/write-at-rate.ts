import type { EventStore } from '@escrow/event-store';
import type { ApiChild } from './api-child-handle';
import { appendAtRate } from './append-at-rate';
import type { WriteRequest } from './api-protocol';

/** The writer of the live phases: this process's own store on PostgreSQL, the api process on PGlite. */
export function writeAtRate(api: ApiChild, writer: EventStore | null, request: WriteRequest): Promise<Array<[string, number]>> {
  return writer ? appendAtRate(writer, request.count, request.ratePerSecond, request.durationMaxMs) : api.call('write', { write: request });
}
