import { randomUUID } from 'node:crypto';
import type { ServerWritableStream } from '@grpc/grpc-js';
import type { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { writeMessage } from './call-writer';
import { positionOfRecord, type LogPosition } from './log-position';
import { readBatchSize, type ReadRequest } from './read-request';
import { checkpointResponse, confirmationResponse, eventResponse } from './read-responses';
import { passes, readablePosition } from './reads';
import type { LoggedEvent, TransactionLog } from './transaction-log';

type SubscribeAll = Extract<ReadRequest, { kind: 'subscribe-all' }>;
type ReadCall = ServerWritableStream<ReadReq, ReadResp>;

/**
 * A catch-up subscription to `$all` as EventStoreDB 23.10 serves it: Enumerator.AllSubscription
 * and Enumerator.AllSubscriptionFiltered (src/EventStore.Core/Services/Transport/Enumerators/) as
 * they were before the 24.x rewrite (kurrent-io/KurrentDB pull request #4135):
 *
 * - From the start: catch-up reads from (0, 0) in pages (32 matches, the search window considered)
 *   and sends every matching event, then live. From the end: live only, after the last event
 *   indexed when subscribing.
 * - From a position ("CatchUpFromCheckpoint"): the server first reads ONE page of one event from
 *   that position, inclusive, with the filter and its search window, and starts catching up after
 *   whatever that page considered. The event at the position, when it matches the filter, is thus
 *   left out: the start is exclusive. When it does not match (a position from another filter, or
 *   not an event), the next matching event within the search window is left out instead.
 * - A filtered subscription gets checkpoints: during catch-up, after the page at which
 *   multiplier × window events have been considered, at the last event sent in that page (or the
 *   page's start); live, every interval events committed, at that event (SubscriptionsService
 *   ProcessEventCommited, counting on from catch-up). None when going live. Unfiltered ones get none.
 *
 * Not modelled: `caughtUp` (newer servers send it; whether 23.10 does is not established, so it is
 * never sent: a consumer waiting for it fails here rather than passing wrongly), and dropping a
 * live subscriber that reads too slowly (here flow control just holds the server back; tests drop
 * subscriptions on purpose with EsdbTestServer.dropSubscriptions).
 */
export class AllSubscription {
  readonly id = randomUUID();
  private stopped = false;
  private wake: (() => void) | null = null;
  /** Next event (log order) to consider. */
  private cursor = 0;
  /** Events considered towards the next checkpoint. */
  private considered = 0;

  constructor(
    private readonly call: ReadCall,
    private readonly log: TransactionLog,
    private readonly request: SubscribeAll,
    private readonly onSent: (event: LoggedEvent) => void = () => undefined,
  ) {}

  async run(): Promise<void> {
    const stopListening = this.log.onIndexed(() => this.wakeUp());
    this.call.once('close', () => this.stop());
    try {
      const from = this.request.from;
      const startPosition = from === 'start' || from === 'end' ? null : readablePosition(this.log, from);
      if (!(await this.send(confirmationResponse(this.id)))) return;
      if (from === 'end') this.cursor = this.log.indexedCount;
      else {
        const firstPage = startPosition === null ? positionOfRecord(0n) : this.skipCheckpointPage(startPosition);
        if (!(await this.catchUp(firstPage))) return;
      }
      await this.live();
    } finally {
      stopListening();
    }
  }

  /** The server ends the subscription; the client sees the call fail with this status. */
  drop(error: { code: number; details: string }): void {
    this.stop();
    if (!this.call.writableEnded && !this.call.destroyed) this.call.emit('error', error);
  }

  stop(): void {
    this.stopped = true;
    this.wakeUp();
  }

  /**
   * The page of one read from the start position ("pageSize: 1"), whose events are not sent.
   * Returns where catch-up reads on from (that page's NextPos).
   */
  private skipCheckpointPage(startPosition: LogPosition): LogPosition {
    const window = this.request.window?.searchWindow ?? 1;
    this.cursor = this.log.firstIndexedAtOrAfter(startPosition);
    let next = startPosition;
    for (let considered = 0; considered < window && this.cursor < this.log.indexedCount; considered++) {
      const event = this.log.indexedEvent(this.cursor++);
      next = { commit: event.endOffset, prepare: 0n };
      if (passes(this.request.filter, event)) break;
    }
    return next;
  }

  /** Pages until the end of the log; false once the call is gone. */
  private async catchUp(firstPageFrom: LogPosition): Promise<boolean> {
    const window = this.request.window;
    const searchWindow = window?.searchWindow ?? readBatchSize;
    let pageFrom = firstPageFrom;
    while (this.cursor < this.log.indexedCount) {
      let pageConsidered = 0;
      let lastSent: LoggedEvent | null = null;
      let last: LoggedEvent | null = null;
      let matched = 0;
      while (this.cursor < this.log.indexedCount && pageConsidered < searchWindow && matched < readBatchSize) {
        last = this.log.indexedEvent(this.cursor++);
        pageConsidered += 1;
        if (!passes(this.request.filter, last)) continue;
        matched += 1;
        lastSent = last;
        if (!(await this.sendEvent(last))) return false;
      }
      this.considered += pageConsidered;
      if (this.cursor >= this.log.indexedCount) return true; // IsEndOfStream: go live, no checkpoint
      if (window && this.considered >= window.checkpointInterval) {
        this.considered %= window.checkpointInterval;
        const at = lastSent ? positionOfRecord(lastSent.offset) : pageFrom;
        if (!(await this.send(checkpointResponse(at)))) return false;
      }
      if (last) pageFrom = { commit: last.endOffset, prepare: 0n }; // AllReader's NextPos
    }
    return true;
  }

  private async live(): Promise<void> {
    const window = this.request.window;
    for (;;) {
      while (this.cursor < this.log.indexedCount) {
        const event = this.log.indexedEvent(this.cursor++);
        if (passes(this.request.filter, event) && !(await this.sendEvent(event))) return;
        if (!window || ++this.considered < window.checkpointInterval) continue;
        this.considered = 0;
        if (!(await this.send(checkpointResponse(positionOfRecord(event.offset))))) return;
      }
      if (this.stopped) return;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        if (this.stopped || this.cursor < this.log.indexedCount) this.wakeUp();
      });
      if (this.stopped) return;
    }
  }

  private async sendEvent(event: LoggedEvent): Promise<boolean> {
    this.onSent(event);
    return this.send(eventResponse(event));
  }

  private async send(message: ReadResp): Promise<boolean> {
    if (this.stopped) return false;
    return writeMessage(this.call, message);
  }

  private wakeUp(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
