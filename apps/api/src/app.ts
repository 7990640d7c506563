import { Logger, type INestApplication, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule, type AppOptions } from './app.module';
import { strictValidationPipe } from './http/validation.pipe';
import { jsonBody } from './http/json-body';
import { queryShape } from './http/query-shape';
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

/** Builds the HTTP app (and, for processRole "all", the worker inside it). */
export async function createApp(options: AppOptions & { logLevels?: LogLevel[] | false }): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(options), {
    logger: options.logLevels ?? ['log', 'warn', 'error'],
    rawBody: true,
    // The API reads JSON bodies itself (http/json-body.ts); the webhook route keeps its raw bytes.
    bodyParser: false,
  });
  keepConnectionsOpenLongerThanClients(app);
  prepareStripeWebhookRoute(app);
  app.use(queryShape);
  app.use(jsonBody(isStripeWebhookRequest));
  app.useGlobalPipes(strictValidationPipe());
  if (options.config.authSecretIsDevelopmentDefault) {
    new Logger('Auth').warn('AUTH_SECRET is not set, or is the public development secret: tokens can be forged by anyone. Never do this in production.');
  }
  return app;
}
