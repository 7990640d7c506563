/**
 * The feed's message, as published in docs/asyncapi.yaml. Declared here rather than imported so
 * that this client depends on nothing of the service.
 */
export interface FeedEvent<Data = unknown> {
  readonly type: string;
  readonly stream: string;
  readonly revision: number;
  /** Opaque; give it back as `from` to resume after this event. */
  readonly position: string;
  readonly data: Data;
  readonly metadata: Readonly<Record<string, unknown>>;
}

export interface FeedConnection {
  /** Service URL, e.g. `https://escrow.internal`. */
  readonly baseUrl: string;
  /** A bearer token (role service, finance or support; a party's token with `contractId` of its own contract), or a function asked before each connection. */
  readonly token: string | (() => string | Promise<string>);
  /** Defaults to the global `fetch`. */
  readonly fetch?: typeof fetch;
}

export interface FeedSelection {
  /** Exclusive: events after this position; null or absent = from the beginning. */
  readonly from?: string | null;
  readonly types?: readonly string[];
  readonly contractId?: string;
}

/** A refusal the client will not retry (bad request, bad token, forbidden): fix and restart. */
export class FeedRequestRefused extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`event feed refused the request: HTTP ${status} ${body.slice(0, 300)}`);
    this.name = 'FeedRequestRefused';
  }
}
