import { FeedRequestRefused, type FeedConnection, type FeedEvent, type FeedSelection } from './feed-types';
import { feedUrl } from './subscribe';

export interface FeedPage {
  readonly events: FeedEvent[];
  /** Pass back as `from` for the next page. */
  readonly next: string | null;
  /** False when the page ended at the current end of the log. */
  readonly hasMore: boolean;
}

/** One page of `GET /v1/events/page`, for batch consumers that poll instead of streaming. */
export async function readPage(options: FeedConnection & FeedSelection & { readonly limit?: number }): Promise<FeedPage> {
  const url = new URL(feedUrl(options.baseUrl, options, '/v1/events/page'));
  if (options.from) url.searchParams.set('from', options.from);
  if (options.limit !== undefined) url.searchParams.set('limit', String(options.limit));
  const token = typeof options.token === 'function' ? await options.token() : options.token;
  const response = await (options.fetch ?? fetch)(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
  if (response.status >= 400 && response.status < 500) throw new FeedRequestRefused(response.status, await response.text());
  if (response.status !== 200) throw new Error(`event feed page answered HTTP ${response.status}`);
  return (await response.json()) as FeedPage;
}
