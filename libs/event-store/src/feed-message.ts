import type { RecordedEvent } from './event-store';

/**
 * One event as published outside the service (the SSE feed, the NATS relay): the public shape
 * described by docs/asyncapi.yaml. `position` is opaque; consumers resume from it.
 */
export interface FeedMessage {
  readonly type: string;
  readonly stream: string;
  readonly revision: number;
  readonly position: string;
  readonly data: unknown;
  readonly metadata: Readonly<Record<string, unknown>>;
}

export function toFeedMessage(event: RecordedEvent): FeedMessage {
  return {
    type: event.type,
    stream: event.streamId,
    revision: event.revision,
    position: event.position,
    data: event.data,
    metadata: event.metadata,
  };
}
