import type { IncomingMessage } from 'node:http';

/**
 * The route pattern Express matched for a request (`/v1/contracts/:cid`), or null when no route
 * took it (an unknown path, or a request refused before routing). Metrics and logs group by it,
 * never by the raw URL, whose ids would make every request a group of its own.
 */
export function routePatternOf(request: IncomingMessage): string | null {
  const { route, baseUrl } = request as IncomingMessage & { route?: { path?: unknown }; baseUrl?: string };
  return typeof route?.path === 'string' ? `${baseUrl ?? ''}${route.path}` : null;
}
