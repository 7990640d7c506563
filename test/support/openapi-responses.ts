import type { INestApplication } from '@nestjs/common';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { ResponseHook } from './app';

/*
 * Checks real HTTP answers against the app's OpenAPI 3.1 document (/openapi.json): the status must
 * be documented for the route, and a JSON body must match that status's schema (OpenAPI 3.1
 * schemas are JSON Schema 2020-12, so ajv reads them as they are, `$ref`s into components included).
 * Also lists the routes Express holds, for the check that each one is documented.
 */

export interface OpenApiDocument {
  readonly openapi: string;
  readonly paths: Record<string, Record<string, OperationObject>>;
  readonly components?: Record<string, unknown>;
}

interface OperationObject {
  readonly responses?: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

export interface RouteOperation {
  /** Lower case, as OpenAPI writes it. */
  readonly method: string;
  /** OpenAPI form: `/v1/contracts/{cid}`. */
  readonly path: string;
}

const httpMethods = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];
const documentId = 'https://escrow-ledger.invalid/openapi.json';

/** An ajv that knows the whole document as one schema resource, so `#/components/...` refs resolve. */
function documentAjv(document: OpenApiDocument, options: { allErrors: boolean }): Ajv2020 {
  const ajv = new Ajv2020({ strict: false, ...options });
  addFormats(ajv);
  ajv.addSchema({ ...document, $id: documentId });
  return ajv;
}

/** A `$ref` to the schema at `pointer` (JSON Pointer segments) inside the document. */
function refTo(pointer: string[]): string {
  return `${documentId}#/${pointer.map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
}

export function documentedOperations(document: OpenApiDocument): RouteOperation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.keys(item).filter((key) => httpMethods.includes(key)).map((method) => ({ method, path })));
}

/** What Express routes, read from its router: every route Nest registered, plus `/docs` & co. */
export function registeredOperations(app: INestApplication): RouteOperation[] {
  const express = app.getHttpAdapter().getInstance() as { router: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> } };
  return express.router.stack.flatMap((layer) => {
    if (!layer.route) return [];
    const path = layer.route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    return Object.keys(layer.route.methods).filter((m) => m !== '_all').map((method) => ({ method, path }));
  });
}

export interface ResponseCheck {
  (method: string, requestPath: string, status: number, body: unknown, contentType?: string | null): void;
}

/** A `check` that throws, naming the route and ajv's findings, when a response is not as documented. */
export function openApiResponseCheck(document: OpenApiDocument): ResponseCheck {
  const ajv = documentAjv(document, { allErrors: true });
  const templates = Object.keys(document.paths).map((template) => ({ template, pattern: templatePattern(template) }));
  const compiled = new Map<string, ValidateFunction>();
  const validatorAt = (pointer: string[]) => {
    const ref = refTo(pointer);
    const known = compiled.get(ref);
    if (known) return known;
    const validate = ajv.compile({ $ref: ref });
    compiled.set(ref, validate);
    return validate;
  };

  return (method, requestPath, status, body, contentType) => {
    const path = new URL(requestPath, 'http://x').pathname;
    const lower = method.toLowerCase();
    // A literal path wins over a templated one (as Express matches `invoices.csv` before `invoices/:id`).
    const matches = templates.filter((t) => t.pattern.test(path) && document.paths[t.template]?.[lower]);
    const route = matches.find((t) => !t.template.includes('{')) ?? matches[0];
    if (!route) throw new Error(`${method} ${path}: no documented operation matches`);
    const where = `${method} ${route.template} ${status}`;
    const responses = document.paths[route.template]![lower]!.responses ?? {};
    const documented = responses[String(status)];
    if (!documented) throw new Error(`${where}: status not documented (documented: ${Object.keys(responses).join(', ')})`);
    const media = contentType?.split(';')[0]?.trim() ?? 'application/json';
    if (!documented.content?.[media]) throw new Error(`${where}: content type ${media} not documented (documented: ${Object.keys(documented.content ?? {}).join(', ')})`);
    if (media !== 'application/json') return;
    const validate = validatorAt(['paths', route.template, lower, 'responses', String(status), 'content', media, 'schema']);
    if (!validate(body)) {
      throw new Error(`${where}: the body does not match the documented schema:\n${ajv.errorsText(validate.errors, { separator: '\n' })}\nbody: ${JSON.stringify(body).slice(0, 2_000)}`);
    }
  };
}

/** Every schema of the document (components, request and response bodies) that ajv cannot compile, with why. */
export function uncompilableSchemas(document: OpenApiDocument): string[] {
  const ajv = documentAjv(document, { allErrors: false });
  const pointers = Object.keys((document.components?.schemas as object | undefined) ?? {}).map((name) => ['components', 'schemas', name]);
  for (const { method, path } of documentedOperations(document)) {
    const operation = document.paths[path]![method] as OperationObject & { requestBody?: { content?: Record<string, unknown> } };
    for (const media of Object.keys(operation.requestBody?.content ?? {})) pointers.push(['paths', path, method, 'requestBody', 'content', media, 'schema']);
    for (const [status, response] of Object.entries(operation.responses ?? {})) {
      for (const media of Object.keys(response.content ?? {})) pointers.push(['paths', path, method, 'responses', status, 'content', media, 'schema']);
    }
  }
  return pointers.flatMap((pointer) => {
    try {
      ajv.compile({ $ref: refTo(pointer) });
      return [];
    } catch (error) {
      return [`${pointer.join(' ')}: ${error instanceof Error ? error.message : String(error)}`];
    }
  });
}

/**
 * For `startApp`'s `onResponse`: checks every answer of `request` against the app's own
 * /openapi.json (fetched once, on the first answer), and counts what it checked.
 */
export function openApiResponses(): { onResponse: ResponseHook; readonly checked: string[] } {
  let check: Promise<ResponseCheck> | null = null;
  const checked: string[] = [];
  const onResponse: ResponseHook = async ({ baseUrl, method, path, response }) => {
    check ??= fetch(`${baseUrl}/openapi.json`).then(async (served) => openApiResponseCheck((await served.json()) as OpenApiDocument));
    (await check)(method, path, response.status, response.body, response.headers.get('content-type'));
    checked.push(`${method} ${path.split('?')[0]} ${response.status}`);
  };
  return { onResponse, checked };
}

function templatePattern(template: string): RegExp {
  const escaped = template.split(/(\{[^}]+\})/).map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'))).join('');
  return new RegExp(`^${escaped}/?$`, 'i');
}
