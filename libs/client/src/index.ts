export { FeedRequestRefused, type FeedConnection, type FeedEvent, type FeedSelection } from './feed-types';
export { subscribe, MalformedEvent, type FeedSubscription, type SubscribeOptions } from './subscribe';
export { readPage, type FeedPage } from './read-page';
export { SseParser, type SseMessage } from './sse-parser';
