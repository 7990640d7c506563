import { Logger, type INestApplication, type LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule, type AppOptions } from './app.module';
import { strictValidationPipe } from './http/validation.pipe';
import { jsonBody } from './http/json-body';
import { queryShape } from './http/query-shape';
import { isStripeWebhookRequest, prepareStripeWebhookRoute } from './webhooks/stripe-webhook.route';

/** Builds the HTTP app (and, for processRole "all", the worker inside it). */
export async function createApp(options: AppOptions & { logLevels?: LogLevel[] | false }): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(options), {
    logger: options.logLevels ?? ['log', 'warn', 'error'],
    rawBody: true,
    // The API reads JSON bodies itself (http/json-body.ts); the webhook route keeps its raw bytes.
    bodyParser: false,
  });
  prepareStripeWebhookRoute(app);
  app.use(queryShape);
  app.use(jsonBody(isStripeWebhookRequest));
  app.useGlobalPipes(strictValidationPipe());
  if (options.config.authSecretIsDevelopmentDefault) {
    new Logger('Auth').warn('AUTH_SECRET is not set, or is the public development secret: tokens can be forged by anyone. Never do this in production.');
  }
  return app;
}
