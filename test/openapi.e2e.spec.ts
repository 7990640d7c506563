import { withApp } from './support/app';
import { describeEachDatabase } from './support/databases';
import {
  documentedOperations,
  openApiResponseCheck,
  registeredOperations,
  uncompilableSchemas,
  type OpenApiDocument,
  type RouteOperation,
} from './support/openapi-responses';

/**
 * Left out of the comparison: the routes that serve the documentation itself, and the catch-all
 * that answers unknown paths with a 404. Every other route Express holds must be documented.
 */
const undocumentedRoutes = /^(\/docs(\/.*)?|\/openapi\.json|\{\/\*splat\})$/;
const key = (op: RouteOperation) => `${op.method.toUpperCase()} ${op.path}`;

describeEachDatabase('OpenAPI document', (target) => {
  const app = withApp(target);
  let document: OpenApiDocument;

  beforeAll(async () => {
    const served = await app.api.request<OpenApiDocument>('GET', '/openapi.json');
    expect(served.status).toBe(200);
    document = served.body;
  });

  it('is served without a token as OpenAPI 3.1, with the bearer scheme and the shared error body', () => {
    expect(document.openapi).toBe('3.1.0');
    expect(document.components).toMatchObject({
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { ErrorResponse: { required: ['statusCode', 'error', 'message'] } },
    });
  });

  it('documents every route Nest registered, and nothing else', () => {
    const registered = registeredOperations(app.api.app).filter((op) => !undocumentedRoutes.test(op.path)).map(key);
    const documented = documentedOperations(document).map(key);
    expect(registered.length).toBeGreaterThan(40);
    expect(registered.filter((op) => !documented.includes(op))).toEqual([]);
    expect(documented.filter((op) => !registered.includes(op))).toEqual([]);
  });

  it('gives every operation a success response with a body type, and every token-guarded one its 401', () => {
    const gaps = documentedOperations(document).flatMap((op) => {
      const operation = document.paths[op.path]![op.method] as { responses: Record<string, { content?: object }>; security?: object[] };
      const success = Object.entries(operation.responses).filter(([status]) => /^2/.test(status));
      const problems: string[] = [];
      if (success.length === 0 || success.some(([, response]) => !response.content)) problems.push(`${key(op)}: no success body`);
      if (operation.security?.some((s) => 'bearer' in s) && !operation.responses['401']) problems.push(`${key(op)}: no 401`);
      if (!operation.responses['500']) problems.push(`${key(op)}: no 500`);
      return problems;
    });
    expect(gaps).toEqual([]);
  });

  it('holds only schemas that compile as JSON Schema 2020-12', () => {
    expect(Object.keys(document.components?.schemas ?? {}).length).toBeGreaterThan(30);
    expect(uncompilableSchemas(document)).toEqual([]);
  });

  it('refuses, through the response check, answers that are not as documented', () => {
    const check = openApiResponseCheck(document);
    const hired = { contractId: 'c_1', milestoneId: 'm_1', position: '1' };
    expect(() => check('POST', '/v1/contracts', 201, hired, 'application/json; charset=utf-8')).not.toThrow();
    expect(() => check('POST', '/v1/contracts', 201, { milestoneId: 'm_1', position: '1' }, 'application/json')).toThrow(/contractId/);
    expect(() => check('POST', '/v1/contracts', 201, { ...hired, position: 1 }, 'application/json')).toThrow(/position/);
    expect(() => check('POST', '/v1/contracts', 418, hired, 'application/json')).toThrow(/status not documented/);
    expect(() => check('GET', '/v1/contracts/c_1', 404, { statusCode: 404, error: 'Not Found' }, 'application/json')).toThrow(/message/);
    expect(() => check('GET', '/v1/invoices/inv_1.pdf', 200, undefined, 'application/pdf')).not.toThrow();
    expect(() => check('GET', '/v1/invoices/inv_1', 200, undefined, 'application/pdf')).toThrow(/content type application\/pdf not documented/);
    expect(() => check('GET', '/v1/nowhere', 200, {}, 'application/json')).toThrow(/no documented operation/);
  });

  it('serves Swagger UI at /docs without a token', async () => {
    const response = await fetch(`${app.api.baseUrl}/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toContain('swagger-ui');
    // The page's own script and assets (swagger-ui-dist), and the document it loads.
    const init = await fetch(`${app.api.baseUrl}/docs/swagger-ui-init.js`);
    expect(init.status).toBe(200);
    expect(await init.text()).toMatch(/"openapi": ?"3\.1\.0"/);
    const bundle = await fetch(`${app.api.baseUrl}/docs/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    // Read to the end: a response left unread holds its connection open, and the app's close waits on it.
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
  });
});
