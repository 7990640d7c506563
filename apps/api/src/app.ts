import { Logger, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createRootLogger, METRICS_REGISTRY, nestLoggerOf, type LogLevelName } from '@escrow/runtime';
import type { DestinationStream } from 'pino';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule, type AppOptions } from './app.module';
import { strictValidationPipe } from './http/validation.pipe';
import { jsonBody } from './http/json-body';
import { requestLogging } from './http/request-logging';
import { httpRequestMetrics } from './metrics/http-metrics';
import { queryShape } from './http/query-shape';
import { serveOpenApi } from './openapi/openapi';
import { serveConsole } from './console/serve-console';
import { isStripeWebhookRequest, prepareStripeWebhookRoute } from './webhooks/stripe-webhook.route';

/**
 * Idle keep-alive connections are closed by the client, never by us: when the server times one
 * out (Node's default, 5 s) just as a client (fetch keeps them 4 s; load balancers ~60 s) sends
 * the next request on it, that request dies with ECONNRESET — seen on a loaded machine.
 */
export const keepAliveTimeoutMs = 65_000;

function keepConnectionsOpenLongerThanClients(app: INestApplication): void {
  const server = app.getHttpServer() as import('node:http').Server;
  server.keepAliveTimeout = keepAliveTimeoutMs;
  // Must exceed keepAliveTimeout, or a slow request's headers on a reused connection are cut off.
  server.headersTimeout = keepAliveTimeoutMs + 1_000;
}

/** Overrides of the configured logging (LOG_LEVEL, stdout): tests pass a quieter level, or a destination that captures the lines. */
export interface AppLogOptions {
  readonly level?: LogLevelName;
  /** Receives JSON lines (never pretty ones). */
  readonly destination?: DestinationStream;
}

/** Builds the HTTP app (and, for processRole "all", the worker inside it). */
export async function createApp(options: AppOptions & { log?: AppLogOptions; consoleDir?: string }): Promise<INestApplication> {
  const rootLogger = createRootLogger({ ...options.config.log, ...(options.log?.level ? { level: options.log.level } : {}) }, options.log?.destination);
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(options, rootLogger), {
    logger: nestLoggerOf(rootLogger),
    rawBody: true,
    // The API reads JSON bodies itself (http/json-body.ts); the webhook route keeps its raw bytes.
    bodyParser: false,
  });
  keepConnectionsOpenLongerThanClients(app);
  // Before all other middleware: every request gets its correlation id and its log line, those refused below too.
  app.use(requestLogging(rootLogger));
  // First, so that requests the middleware below refuses are measured too.
  app.use(httpRequestMetrics(app.get(METRICS_REGISTRY)));
  prepareStripeWebhookRoute(app);
  app.use(queryShape);
  app.use(jsonBody(isStripeWebhookRequest));
  app.useGlobalPipes(strictValidationPipe());
  // Public, outside the guards: /docs (Swagger UI) and /openapi.json.
  serveOpenApi(app);
  // Public files too: the browser console at /console (404 naming the build step when it is not built).
  serveConsole(app, options.consoleDir, options.config);
  if (options.config.authSecretIsDevelopmentDefault) {
    new Logger('Auth').warn('AUTH_SECRET is not set, or is the public development secret: tokens can be forged by anyone. Never do this in production.');
  }
  return app;
}
