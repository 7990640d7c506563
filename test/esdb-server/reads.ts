import { NotModelled } from './call-errors';
import type { EventFilter } from './event-filter';
import type { LogPosition } from './log-position';
import type { Direction, ReadRequest } from './read-request';
import type { LoggedEvent, TransactionLog } from './transaction-log';

type StreamRead = Extract<ReadRequest, { kind: 'stream' }>;
type AllRead = Extract<ReadRequest, { kind: 'all' }>;

/**
 * A stream read (Enumerator.ReadStreamForwards / ReadStreamBackwards): forwards from a revision
 * (or the start), backwards from a revision (or the end), at most `count` events. A stream with
 * no readable events is "not found". Reads see indexed events only.
 */
export function readStream(log: TransactionLog, request: StreamRead): LoggedEvent[] | 'stream-not-found' {
  const events = log.indexedStream(request.stream);
  if (events.length === 0) return 'stream-not-found';
  if (request.direction === 'forwards') {
    if (request.from === 'end') throw new NotModelled('reading a stream forwards from its end');
    const from = request.from === 'start' ? 0 : request.from.revision;
    return events.slice(from, from + request.count);
  }
  if (request.from === 'start') throw new NotModelled('reading a stream backwards from its start');
  const from = request.from === 'end' ? events.length - 1 : Math.min(request.from.revision, events.length - 1);
  return events.slice(Math.max(0, from - request.count + 1), from + 1).reverse();
}

/**
 * A read of `$all` (Enumerator.ReadAllForwards[Filtered] / ReadAllBackwards[Filtered], over
 * AllReader): forwards from a position INCLUSIVE ("for forward pass position is inclusive"),
 * backwards from a position EXCLUSIVE, at most `count` events that pass the filter. The server
 * pages internally until `count` matched or the log ended, whatever the filter's window; the
 * answer is the same as one pass.
 */
export function readAll(log: TransactionLog, request: AllRead): LoggedEvent[] {
  const start = startIndex(log, request.direction, request.from);
  const step = request.direction === 'forwards' ? 1 : -1;
  const found: LoggedEvent[] = [];
  for (let index = start; index >= 0 && index < log.indexedCount && found.length < request.count; index += step) {
    const event = log.indexedEvent(index);
    if (passes(request.filter, event)) found.push(event);
  }
  return found;
}

function startIndex(log: TransactionLog, direction: Direction, from: LogPosition | 'start' | 'end'): number {
  if (direction === 'forwards') {
    if (from === 'end') throw new NotModelled('reading $all forwards from its end');
    return from === 'start' ? 0 : log.firstIndexedAtOrAfter(readablePosition(log, from));
  }
  if (from === 'start') throw new NotModelled('reading $all backwards from its start');
  if (from === 'end') return log.indexedCount - 1;
  return log.firstIndexedAtOrAfter(readablePosition(log, from)) - 1;
}

/**
 * A position a read starts at must be where a record begins (or the log's end): the server
 * repositions its reader there. What it answers for any other offset (an InvalidPosition error
 * in recent versions) is not modelled.
 */
export function readablePosition(log: TransactionLog, position: LogPosition): LogPosition {
  if (!log.isRecordBoundary(position.commit)) {
    throw new NotModelled(`reading $all from ${position.commit}/${position.prepare}, which is not where a record begins in this log`);
  }
  return position;
}

export function passes(filter: EventFilter | null, event: LoggedEvent): boolean {
  return filter === null || filter.matches(event);
}
