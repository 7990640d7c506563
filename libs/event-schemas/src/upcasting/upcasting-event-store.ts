import { ForwardingEventStore, type ReadAllOptions, type RecordedEvent, type SubscribeOptions, type Subscription } from '@escrow/event-store';
import { upcastRecordedEvent } from './upcast-recorded-event';

/**
 * The event store as every reader should see it: each event at its type's current schema
 * version, whatever version it was stored at. Appends pass through unchanged (the writer
 * already writes the current version); nothing stored is ever rewritten.
 */
export class UpcastingEventStore extends ForwardingEventStore {
  override async readStream(streamId: string, options?: { fromRevision?: number; toRevision?: number }): Promise<RecordedEvent[]> {
    return (await this.inner.readStream(streamId, options)).map(upcastRecordedEvent);
  }

  override async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    return (await this.inner.readAll(options)).map(upcastRecordedEvent);
  }

  override subscribe(options: SubscribeOptions, handler: (event: RecordedEvent) => Promise<void>): Subscription {
    return this.inner.subscribe(options, (event) => handler(upcastRecordedEvent(event)));
  }
}
