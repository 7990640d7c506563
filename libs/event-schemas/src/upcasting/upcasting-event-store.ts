import type {
  AppendResult,
  AppendWatcher,
  EventStore,
  EventToAppend,
  ExpectedRevision,
  ReadAllOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '@escrow/event-store';
import { upcastRecordedEvent } from './upcast-recorded-event';

/**
 * The event store as every reader should see it: each event at its type's current schema
 * version, whatever version it was stored at. Appends pass through unchanged (the writer
 * already writes the current version); nothing stored is ever rewritten.
 */
export class UpcastingEventStore implements EventStore {
  constructor(private readonly inner: EventStore) {}

  append(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    return this.inner.append(streamId, events, expected);
  }

  async readStream(streamId: string, options?: { fromRevision?: number; toRevision?: number }): Promise<RecordedEvent[]> {
    return (await this.inner.readStream(streamId, options)).map(upcastRecordedEvent);
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    return (await this.inner.readAll(options)).map(upcastRecordedEvent);
  }

  subscribe(options: SubscribeOptions, handler: (event: RecordedEvent) => Promise<void>): Subscription {
    return this.inner.subscribe(options, (event) => handler(upcastRecordedEvent(event)));
  }

  appendWatcher(): AppendWatcher {
    return this.inner.appendWatcher();
  }

  headPosition(): Promise<string | null> {
    return this.inner.headPosition();
  }

  committedHeadPosition(): Promise<string | null> {
    return this.inner.committedHeadPosition();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
