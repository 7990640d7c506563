import { invalidRequest } from './errors';
import type { Params } from './form';
import type { Json, JsonObject } from './types';

const searchLimitDefault = 10;

type Clause = (item: JsonObject) => boolean;

function metadataClause(key: string, value: string): Clause {
  return (item) => {
    const metadata = item['metadata'];
    return typeof metadata === 'object' && metadata !== null && !Array.isArray(metadata) && metadata[key] === value;
  };
}

function parseClause(term: string): Clause {
  const metadata = /^metadata\[(['"])(.+?)\1\]:(['"])(.*)\3$/.exec(term);
  if (metadata !== null) return metadataClause(metadata[2] ?? '', metadata[4] ?? '');
  const quoted = /^([a-z_]+):(['"])(.*)\2$/.exec(term);
  if (quoted !== null) return (item) => item[quoted[1] ?? ''] === quoted[3];
  const numeric = /^([a-z_]+):(\d+)$/.exec(term);
  if (numeric !== null) return (item) => item[numeric[1] ?? ''] === Number(numeric[2]);
  throw invalidRequest(`This test server's search supports only field:'value' and metadata['key']:'value' terms joined by AND; got: ${term}`, 'query');
}

/** Stripe search (subset): `term AND term ...`, newest first, paged by the opaque `page` token. */
export function searchResult(all: Iterable<JsonObject>, params: Params, url: string): JsonObject {
  const clauses = params.string('query').split(' AND ').map((term) => parseClause(term.trim()));
  const matches = [...all].reverse().filter((item) => clauses.every((clause) => clause(item)));
  const limit = params.optInt('limit') ?? searchLimitDefault;
  const page = params.optString('page');
  const offset = page === null ? 0 : Number(Buffer.from(page, 'base64url').toString('utf8'));
  if (!Number.isInteger(offset) || offset < 0) throw invalidRequest('Invalid page token.', 'page');
  const data = matches.slice(offset, offset + limit);
  const hasMore = offset + limit < matches.length;
  const nextPage = hasMore ? Buffer.from(String(offset + limit), 'utf8').toString('base64url') : null;
  return { object: 'search_result', data: data as Json[], has_more: hasMore, next_page: nextPage, url };
}
