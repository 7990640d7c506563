import type { OpenAPIObject } from '@nestjs/swagger';

/** The README's route table lives between these lines; `npm run docs:routes` rewrites what is between. */
export const routeTableBegin = '<!-- routes:begin (generated from /openapi.json by `npm run docs:routes`; do not edit) -->';
export const routeTableEnd = '<!-- routes:end -->';

const methods = ['get', 'post', 'put', 'patch', 'delete'] as const;

/**
 * One row per operation of the OpenAPI document, grouped by its tag in the document's order: the
 * route (path parameters as `:name`, like the rest of the README) and its summary, which names who
 * may call it. Bodies, answers and errors stay in /docs, the full reference.
 */
export function routeTable(document: OpenAPIObject): string {
  const groups = new Map<string, string[]>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of methods) {
      const operation = item[method];
      if (!operation) continue;
      const tag = operation.tags?.[0] ?? 'other';
      const route = `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`;
      const rows = groups.get(tag) ?? [];
      rows.push(`| \`${route}\` | ${cell(operation.summary ?? '')} |`);
      groups.set(tag, rows);
    }
  }
  const lines = ['| route | what, and who may call it |', '|---|---|'];
  for (const [tag, rows] of groups) lines.push(`| **${cell(tag)}** | |`, ...rows);
  return lines.join('\n');
}

function cell(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim();
}

/** The README with `table` between the markers (which must be there, once each, in order). */
export function withRouteTable(readme: string, table: string): string {
  const { before, after } = around(readme);
  return `${before}${routeTableBegin}\n${table}\n${routeTableEnd}${after}`;
}

/** The table the README holds now. */
export function currentRouteTable(readme: string): string {
  const begin = readme.indexOf(routeTableBegin);
  const { after } = around(readme);
  return readme.slice(begin + routeTableBegin.length, readme.length - after.length - routeTableEnd.length).trim();
}

function around(readme: string): { before: string; after: string } {
  const begin = readme.indexOf(routeTableBegin);
  const end = readme.indexOf(routeTableEnd);
  if (begin < 0 || end < begin || readme.indexOf(routeTableBegin, begin + 1) >= 0) {
    throw new Error(`README.md needs the route table markers once each, in order: ${routeTableBegin} … ${routeTableEnd}`);
  }
  return { before: readme.slice(0, begin), after: readme.slice(end + routeTableEnd.length) };
}
