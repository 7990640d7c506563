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
} from './event-store';

/**
 * An event store that hands every call to another one: the base of the decorators around the
 * port (upcasting, metrics), which override only what they change.
 */
export class ForwardingEventStore implements EventStore {
  constructor(protected readonly inner: EventStore) {}

  append(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    return this.inner.append(streamId, events, expected);
  }

  readStream(streamId: string, options?: { fromRevision?: number; toRevision?: number }): Promise<RecordedEvent[]> {
    return this.inner.readStream(streamId, options);
  }

  readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.inner.readAll(options);
  }

  subscribe(options: SubscribeOptions, handler: (event: RecordedEvent) => Promise<void>): Subscription {
    return this.inner.subscribe(options, handler);
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
