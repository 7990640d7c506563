import type { OpenAPIObject } from '@nestjs/swagger';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { currentRouteTable, routeTable, routeTableBegin, routeTableEnd, withRouteTable } from '../scripts/docs/readme-routes';
import { withApp } from './support/app';
import { pgliteTarget } from './support/databases';

// The document is the same whatever the database: one target is enough.
describe("the README's route table", () => {
  const app = withApp(pgliteTarget);

  it('is the one generated from the OpenAPI document the app serves (run `npm run docs:routes` when this fails)', async () => {
    const document = (await (await fetch(`${app.api.baseUrl}/openapi.json`)).json()) as OpenAPIObject;
    const readme = await readFile(join(__dirname, '..', 'README.md'), 'utf8');
    const generated = routeTable(document);

    // One row per operation: a route added to the app without a row here fails the comparison below.
    const operations = Object.values(document.paths).flatMap((item) => Object.keys(item)).length;
    expect(generated.split('\n').filter((line) => line.startsWith('| `')).length).toBe(operations);
    expect(generated).toContain('| `POST /v1/contracts/:cid/milestones/:mid/fund` |');
    expect(currentRouteTable(readme)).toBe(generated);
  });

  it('is rewritten between its markers only', () => {
    const readme = `intro\n${routeTableBegin}\nold\n${routeTableEnd}\noutro\n`;
    expect(withRouteTable(readme, 'new')).toBe(`intro\n${routeTableBegin}\nnew\n${routeTableEnd}\noutro\n`);
    expect(currentRouteTable(withRouteTable(readme, 'new'))).toBe('new');
    expect(() => withRouteTable('no markers', 'new')).toThrow(/markers/);
  });
});
