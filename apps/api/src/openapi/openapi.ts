import { Logger, type INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { STATUS_CODES } from 'node:http';
import { ErrorResponse } from '../http/error.responses';

export const docsPath = 'docs';
export const openApiJsonPath = 'openapi.json';
/** The bearer scheme of every party's token, and the one of the metrics scraper. */
export const bearerSchemeName = 'bearer';
export const metricsTokenSchemeName = 'metricsToken';

const description = [
  'Event-sourced escrow for milestone payments. Every error body is an `ErrorResponse`.',
  'Writes take an optional `Idempotency-Key` header; reads that follow a write may pass its `position` as `minPosition`.',
].join('\n\n');

function openApiConfig() {
  return new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('escrow-ledger API')
    .setDescription(description)
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A party token: role and id.' }, bearerSchemeName)
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, for the scraper only.' }, metricsTokenSchemeName)
    .addGlobalResponse({ status: 500, description: 'A bug: logged with its stack, answered without detail.', type: ErrorResponse })
    .build();
}

/** The document, read from the controllers' and DTOs' decorators. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(app, openApiConfig(), { extraModels: [ErrorResponse] });
  describeBareResponses(document);
  return document;
}

/** A response needs a description; one the decorators left empty gets its status's reason phrase ("Created"). */
function describeBareResponses(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item)) {
      const responses = (operation as { responses?: Record<string, { description?: string }> }).responses ?? {};
      for (const [status, response] of Object.entries(responses)) {
        if (!response.description) response.description = STATUS_CODES[Number(status)] ?? 'Answer';
      }
    }
  }
}

/**
 * Swagger UI at /docs and the document at /openapi.json, both public: the document describes the
 * API, it grants nothing. Built on the first request for either (tens of milliseconds, see the
 * log line), so starting the app, which tests do hundreds of times, does not pay for it.
 */
export function serveOpenApi(app: INestApplication): void {
  const build = () => {
    const startedAt = performance.now();
    const document = buildOpenApiDocument(app);
    new Logger('OpenAPI').log(`built the OpenAPI document in ${Math.round(performance.now() - startedAt)} ms`);
    return document;
  };
  SwaggerModule.setup(docsPath, app, build, { jsonDocumentUrl: openApiJsonPath, raw: ['json'], ui: true });
}
