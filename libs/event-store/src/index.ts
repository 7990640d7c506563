export * from './event-store';
export { ForwardingEventStore } from './forwarding-event-store';
export { MeasuredEventStore, streamCategoryOf, type AppendObserver, type AppendOutcome } from './measured-event-store';
export { AppendSignal, pollingSubscription, subscriptionBatchSizeMax } from './polling-subscription';
export { PostgresEventStore } from './postgres/postgres-event-store';
export { encodePosition, decodePosition, isPosition, InvalidPosition } from './postgres/position';
export { toFeedMessage, type FeedMessage } from './feed-message';
export { EventStoreDbEventStore, type EventStoreDbOptions } from './eventstoredb/eventstoredb-event-store';
export { domainStreamPrefixes } from './eventstoredb/filters';
export {
  anchorDigest,
  canonicalEvent,
  canonicalJson,
  chainAlgorithm,
  chainLink,
  contentDigest,
  genesisHash,
  normalizeEventId,
  type ChainContent,
  type StreamHead,
} from './hash-chain/canonical';
export { chainKey, type AuditLog, type ChainedEvent } from './hash-chain/audit-log';
export {
  currentAnchor,
  formatAnchor,
  parseAnchor,
  streamHeadsByWalking,
  verifyChain,
  type Anchor,
  type AnchorCheck,
  type AnchorReport,
  type BrokenLink,
  type VerifyOptions,
  type VerifyReport,
} from './hash-chain/verify-chain';
export { PostgresAuditLog } from './postgres/postgres-audit-log';
export { backfillChainHashes } from './postgres/chain-backfill';
