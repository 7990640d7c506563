import { WrongExpectedVersion, type AppendResult, type EventStore, type EventToAppend, type ExpectedRevision } from './event-store';
import { ForwardingEventStore } from './forwarding-event-store';

/** How an append ended: written, an idempotent retry (nothing written), a concurrency conflict, or another failure. */
export type AppendOutcome = 'appended' | 'duplicate' | 'wrong_expected_version' | 'error';

/** What the store reports about each append; the metrics library behind it is the caller's. */
export interface AppendObserver {
  /** Every append, with its duration in seconds (also the refused ones). */
  appended(outcome: AppendOutcome, durationS: number): void;
  /** A WrongExpectedVersion, by stream category (`contract`, `employer`, …: a bounded set, unlike stream ids). */
  conflicted(streamCategory: string): void;
}

/**
 * The event store port, measured: wraps whichever adapter is configured, so every adapter is
 * measured the same way and none of them knows about metrics. Reads pass through untouched.
 */
export class MeasuredEventStore extends ForwardingEventStore {
  constructor(
    inner: EventStore,
    private readonly observer: AppendObserver,
    private readonly nowMs: () => number = () => performance.now(),
  ) {
    super(inner);
  }

  override async append(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    const startedMs = this.nowMs();
    try {
      const result = await this.inner.append(streamId, events, expected);
      this.observer.appended(result.duplicate ? 'duplicate' : 'appended', this.elapsedS(startedMs));
      return result;
    } catch (error) {
      const conflict = error instanceof WrongExpectedVersion;
      this.observer.appended(conflict ? 'wrong_expected_version' : 'error', this.elapsedS(startedMs));
      if (conflict) this.observer.conflicted(streamCategoryOf(streamId));
      throw error;
    }
  }

  private elapsedS(startedMs: number): number {
    return (this.nowMs() - startedMs) / 1000;
  }
}

/** `contract-<uuid>` → `contract`; a stream id without a dash is its own category. */
export function streamCategoryOf(streamId: string): string {
  const dash = streamId.indexOf('-');
  return dash < 0 ? streamId : streamId.slice(0, dash);
}
