import { request as httpRequest, type ClientRequest } from 'node:http';
import { monotonicMs } from './clock';

export interface RawFeed {
  bytes(): number;
  /** When the server closed the connection (monotonic ms), or null while it is open. */
  closedAtMs(): number | null;
  close(): void;
}

/** A plain HTTP subscriber: a reader that counts bytes, or one that pauses at once and never reads. */
export function openRawFeed(baseUrl: string, token: string, from: string | null, stalled: boolean): Promise<RawFeed> {
  const url = new URL('/v1/events', baseUrl);
  if (from !== null) url.searchParams.set('from', from);
  return new Promise((resolve, reject) => {
    let bytes = 0;
    let closedAtMs: number | null = null;
    let closing = false;
    const request: ClientRequest = httpRequest(url, { agent: false, headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` } }, (response) => {
      if (response.statusCode !== 200) return reject(new Error(`feed answered HTTP ${response.statusCode}`));
      if (stalled) response.pause();
      else response.on('data', (chunk: Buffer) => (bytes += chunk.length));
      response.on('error', () => undefined);
      resolve({
        bytes: () => bytes,
        closedAtMs: () => closedAtMs,
        close: () => {
          closing = true;
          request.destroy();
        },
      });
    });
    request.on('close', () => {
      if (!closing) closedAtMs ??= monotonicMs();
    });
    request.on('error', (error) => (bytes === 0 && closedAtMs === null ? reject(error) : undefined));
    request.end();
  });
}
