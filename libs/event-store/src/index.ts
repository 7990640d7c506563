export * from './event-store';
export { AppendSignal, pollingSubscription, subscriptionBatchSizeMax } from './polling-subscription';
export { PostgresEventStore } from './postgres/postgres-event-store';
export { encodePosition, decodePosition, isPosition, InvalidPosition } from './postgres/position';
export { toFeedMessage, type FeedMessage } from './feed-message';
export { EventStoreDbEventStore, type EventStoreDbOptions } from './eventstoredb/eventstoredb-event-store';
export { domainStreamPrefixes } from './eventstoredb/filters';
