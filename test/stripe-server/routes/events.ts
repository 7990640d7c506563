import { listPage } from '../list';
import { ok, pathParam, type Route } from '../router';
import { mustGet } from '../state';
import type { JsonObject } from '../types';

export const eventRoutes: Route[] = [
  {
    route: 'GET /v1/events',
    handle({ state, params }) {
      const type = params.optString('type');
      const types = params.stringArray('types');
      const matches = (eventType: string): boolean => (type === null || eventType === type
        || (type.endsWith('.*') && eventType.startsWith(type.slice(0, -1))))
        && (types.length === 0 || types.includes(eventType));
      const events = [...state.events.values()] as unknown as (JsonObject & { id: string; created: number })[];
      return ok(listPage(events, params, '/v1/events', (event) => matches(String(event['type']))));
    },
  },
  {
    route: 'GET /v1/events/:id',
    handle: (context) => ok(mustGet(context.state.events, pathParam(context), 'event') as unknown as JsonObject),
  },
];
