import type { Session } from './session';

/** The api's error body: `{ statusCode, error, message }`, where the message names the field. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export type Query = Record<string, string | undefined>;

export function pathWithQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(name, value);
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

/** Signs the console out when the api refuses the token (expired, revoked, wrong secret). */
let onUnauthorized: (message: string) => void = () => {};
export function whenUnauthorized(handler: (message: string) => void): void {
  onUnauthorized = handler;
}

async function send(session: Session, method: string, path: string, init: { body?: unknown; headers?: Record<string, string> } = {}): Promise<Response> {
  const response = await fetch(path, {
    method,
    headers: {
      authorization: `Bearer ${session.token}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  if (response.ok) return response;
  const message = await errorMessage(response);
  if (response.status === 401) onUnauthorized(message);
  throw new ApiError(response.status, message);
}

async function errorMessage(response: Response): Promise<string> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { message?: unknown };
    if (typeof body.message === 'string') return body.message;
    if (Array.isArray(body.message)) return body.message.join('; ');
  } catch {
    // not JSON: the text itself, below
  }
  return text || `${response.status} ${response.statusText}`;
}

export async function getJson<T>(session: Session, path: string, query?: Query): Promise<T> {
  return (await send(session, 'GET', pathWithQuery(path, query))).json() as Promise<T>;
}

export async function postJson<T>(session: Session, path: string, body?: unknown, idempotencyKey?: string): Promise<T> {
  const response = await send(session, 'POST', path, { body, headers: idempotencyKey ? { 'idempotency-key': idempotencyKey } : {} });
  return response.json() as Promise<T>;
}

/**
 * Downloads behind the bearer token: a plain link cannot carry the Authorization header, so the
 * file is fetched and handed to the browser as an object URL under the server's file name.
 */
export async function download(session: Session, path: string, fallbackName: string): Promise<void> {
  const response = await send(session, 'GET', path);
  const blob = await response.blob();
  const name = /filename="?([^";]+)"?/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
  const url = URL.createObjectURL(blob);
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  // The click has started the download; the browser holds its own reference.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
