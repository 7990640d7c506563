import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { pinoHttp, type HttpLogger } from 'pino-http';
import { correlationIdHeader, correlationIdOf } from './request-context';
import { routePatternOf } from './route-pattern';

/**
 * One line per request once it is answered (method, url, route, status, duration), and every
 * line logged while serving it carries its `correlationId`: the id `requestContext` puts into the
 * metadata of the events the request's commands append, so a request's lines and its events are
 * found by one id. The id is the client's X-Correlation-Id when it sent a usable one, else a new
 * one; either way it is answered in the X-Correlation-Id response header.
 *
 * Headers and bodies are not logged: they carry the bearer token, cookies, Stripe's signature and
 * the parties' personal data.
 */
export function requestLogging(rootLogger: Logger): HttpLogger {
  return pinoHttp({
    logger: rootLogger,
    genReqId: (request: IncomingMessage, response: ServerResponse) => {
      const correlationId = correlationIdOf(request);
      response.setHeader(correlationIdHeader, correlationId);
      return correlationId;
    },
    customAttributeKeys: { reqId: 'correlationId', responseTime: 'durationMs' },
    // Lines logged while serving the request carry only the id; the request line has the rest.
    quietReqLogger: true,
    serializers: {
      req: (request: { id: unknown; method: string; url: string }) => ({ method: request.method, url: request.url }),
      res: (response: { statusCode: number }) => ({ statusCode: response.statusCode }),
    },
    customSuccessObject: (request, _response, fields) => ({ ...fields, route: routePatternOf(request) }),
    customErrorObject: (request, _response, _error, fields) => ({ ...fields, route: routePatternOf(request) }),
    customSuccessMessage: (request, response) => `${request.method} ${urlOf(request)} ${response.statusCode}`,
    customErrorMessage: (request, response) => `${request.method} ${urlOf(request)} ${response.statusCode}`,
    customLogLevel: (request, response, error) => {
      if (error || response.statusCode >= 500) return 'error';
      return response.statusCode < 400 && isProbe(request) ? 'silent' : 'info';
    },
  });
}

/**
 * Health checks and metrics scrapes, every few seconds from the orchestrator and Prometheus: their
 * lines would bury the others, so only the failed ones are written.
 */
const probePathPrefixes = ['/health/', '/metrics'];

function isProbe(request: IncomingMessage): boolean {
  const url = urlOf(request) ?? '';
  return probePathPrefixes.some((prefix) => url.startsWith(prefix));
}

/** As received: Express rewrites `url` while routing, not `originalUrl`. */
function urlOf(request: IncomingMessage): string | undefined {
  return (request as IncomingMessage & { originalUrl?: string }).originalUrl ?? request.url;
}
