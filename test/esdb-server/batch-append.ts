import type { ServerDuplexStream } from '@grpc/grpc-js';
import { Code } from '@eventstore/db-client/generated/code_pb';
import type { StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb';
import { BatchAppendReq, type BatchAppendResp } from '@eventstore/db-client/generated/streams_pb';
import { appendToLog } from './appends';
import { errorResponse, maxAppendSizeDetails, packDetails, successResponse, timeoutDetails, wrongExpectedVersionDetails } from './append-responses';
import { callError, NotModelled } from './call-errors';
import { expectedAny, expectedNoStream, expectedStreamExists } from './commit-check';
import { proposedEvent, sizeOnDisk } from './proposed-events';
import type { ProposedEvent, TransactionLog } from './transaction-log';

export interface AppendLimits {
  /** The server's MaxAppendSize (default 1 MiB). */
  readonly maxAppendSizeBytes: number;
  /** The server's WriteTimeoutMs (default 2 s): a write not acknowledged by then is answered Timeout. */
  readonly writeTimeoutMs: number;
}

interface PendingAppend {
  readonly correlationId: UUID;
  readonly streamIdentifier: StreamIdentifier;
  readonly stream: string;
  readonly expected: number;
  readonly timeoutMs: number;
  readonly events: ProposedEvent[];
  size: number;
  timer: NodeJS.Timeout | null;
}

type BatchAppendCall = ServerDuplexStream<BatchAppendReq, BatchAppendResp>;

/**
 * Streams.BatchAppend, the append the client uses once ServerFeatures lists it (EventStore
 * src/EventStore.Core/Services/Transport/Grpc/Streams.BatchAppend.cs): one bidirectional call
 * carries many appends, each keyed by its correlation id: its options first, its events in one or
 * more messages, the last marked final. Each append gets exactly one answer: success, or an error
 * status whose details the client unpacks (WrongExpectedVersion, Timeout, MaximumAppendSizeExceeded).
 */
export function batchAppendHandler(log: TransactionLog, limits: AppendLimits) {
  return (call: BatchAppendCall): void => new BatchAppendSession(call, log, limits).start();
}

class BatchAppendSession {
  private readonly pending = new Map<string, PendingAppend>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private writing = 0;
  private clientDone = false;

  constructor(
    private readonly call: BatchAppendCall,
    private readonly log: TransactionLog,
    private readonly limits: AppendLimits,
  ) {}

  start(): void {
    this.call.on('data', (request: BatchAppendReq) => {
      try {
        this.receive(request);
      } catch (error) {
        this.call.emit('error', callError(error));
      }
    });
    this.call.on('end', () => {
      this.clientDone = true;
      this.endWhenIdle();
    });
    const stopTimers = () => this.timers.forEach((timer) => clearTimeout(timer));
    this.call.on('cancelled', stopTimers);
    this.call.on('close', stopTimers);
  }

  private receive(request: BatchAppendReq): void {
    const key = correlationKey(request.getCorrelationId());
    if (request.hasOptions() && !this.pending.has(key)) {
      const append = this.open(request);
      if (append === null) return;
      this.pending.set(key, append);
    }
    const append = this.pending.get(key);
    if (append === undefined) return; // answered already: timed out or too big
    for (const message of request.getProposedMessagesList()) {
      const event = proposedEvent(message);
      append.events.push(event);
      append.size += sizeOnDisk(event);
    }
    if (append.size > this.limits.maxAppendSizeBytes) {
      this.forget(key);
      this.respond(errorResponse(append, Code.INVALID_ARGUMENT, 'MaximumAppendSizeExceeded', packDetails(maxAppendSizeDetails(this.limits.maxAppendSizeBytes), 'MaximumAppendSizeExceeded')));
      return;
    }
    if (!request.getIsFinal()) return;
    if (append.events.length === 0) throw new NotModelled('an append of no events');
    this.forget(key);
    this.writing += 1;
    this.write(append)
      .then((response) => this.respond(response), (error: unknown) => this.call.emit('error', callError(error)))
      .finally(() => {
        this.writing -= 1;
        this.endWhenIdle();
      });
  }

  /** The options message: stream, expected revision, deadline. A deadline already past is a Timeout. */
  private open(request: BatchAppendReq): PendingAppend | null {
    const options = request.getOptions()!;
    const streamIdentifier = options.getStreamIdentifier();
    if (streamIdentifier === undefined) throw new NotModelled('an append without a stream identifier');
    const stream = Buffer.from(streamIdentifier.getStreamName_asU8()).toString('utf8');
    if (stream.startsWith('$$')) throw new NotModelled('writing stream metadata (a $$ stream)');
    const deadline = options.getDeadline()?.toDate().getTime() ?? Number.POSITIVE_INFINITY;
    const timeoutMs = Math.min(deadline - Date.now(), this.limits.writeTimeoutMs);
    const append: PendingAppend = {
      correlationId: request.getCorrelationId()!,
      streamIdentifier,
      stream,
      expected: expectedVersionOf(options),
      timeoutMs,
      events: [],
      size: 0,
      timer: null,
    };
    if (timeoutMs <= 0) {
      this.respond(timedOut(append));
      return null;
    }
    // Events still arriving when the timeout passes: the append is answered Timeout and forgotten.
    append.timer = this.later(timeoutMs, () => {
      this.pending.delete(correlationKey(append.correlationId));
      this.respond(timedOut(append));
    });
    return append;
  }

  private async write(append: PendingAppend): Promise<BatchAppendResp> {
    const outcome = appendToLog(this.log, append.stream, append.expected, append.events);
    switch (outcome.kind) {
      case 'written':
        await this.log.whenIndexed(outcome.last);
        return successResponse(append, outcome.last.revision, outcome.last.offset);
      case 'idempotent':
        return successResponse(append, outcome.last.revision, outcome.last.offset);
      case 'wrong_expected_version':
        return errorResponse(append, Code.ALREADY_EXISTS, 'WrongExpectedVersion', packDetails(wrongExpectedVersionDetails(outcome.currentVersion, append.expected), 'WrongExpectedVersion'));
      case 'dropped':
        // The writer does not answer: the request manager gives up after the write timeout.
        return new Promise((resolve) => this.later(append.timeoutMs, () => resolve(timedOut(append))));
    }
  }

  private forget(key: string): void {
    const append = this.pending.get(key);
    if (append?.timer) clearTimeout(append.timer);
    this.pending.delete(key);
  }

  private respond(response: BatchAppendResp): void {
    if (!this.call.writableEnded && !this.call.destroyed) this.call.write(response);
  }

  private endWhenIdle(): void {
    if (this.clientDone && this.writing === 0 && !this.call.writableEnded) this.call.end();
  }

  private later(ms: number, task: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      task();
    }, ms);
    this.timers.add(timer);
    return timer;
  }
}

function timedOut(append: PendingAppend): BatchAppendResp {
  return errorResponse(append, Code.DEADLINE_EXCEEDED, 'Timeout', packDetails(timeoutDetails(), 'Timeout'));
}

function expectedVersionOf(options: BatchAppendReq.Options): number {
  const cases = BatchAppendReq.Options.ExpectedStreamPositionCase;
  switch (options.getExpectedStreamPositionCase()) {
    case cases.STREAM_POSITION:
      return Number(options.getStreamPosition());
    case cases.NO_STREAM:
      return expectedNoStream;
    case cases.ANY:
      return expectedAny;
    case cases.STREAM_EXISTS:
      return expectedStreamExists;
    default:
      throw new NotModelled('an append without an expected stream position');
  }
}

function correlationKey(uuid: UUID | undefined): string {
  if (uuid === undefined || !uuid.hasString()) throw new NotModelled('a correlation id sent as a structured UUID');
  return uuid.getString();
}
