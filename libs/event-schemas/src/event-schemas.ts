import { eventCatalog, isDomainEventType, type EventCategory } from '@escrow/domain';
import { eventSchemaFiles, type JsonSchema } from './schema-files';

const schemasByType: ReadonlyMap<string, ReadonlyMap<number, JsonSchema>> = (() => {
  const byType = new Map<string, Map<number, JsonSchema>>();
  for (const { type, version, schema } of eventSchemaFiles) {
    const versions = byType.get(type) ?? new Map<number, JsonSchema>();
    if (versions.has(version)) throw new Error(`two schema files for ${type} v${version}`);
    byType.set(type, versions.set(version, schema));
  }
  return byType;
})();

export class UnknownEventSchema extends Error {
  constructor(readonly type: string, readonly version?: number) {
    super(version === undefined ? `no schema for event type ${type}` : `no schema for event type ${type} version ${version}`);
    this.name = 'UnknownEventSchema';
  }
}

/** Every event type that has a schema, in the domain's catalog order. */
export function eventTypes(): readonly string[] {
  return [...schemasByType.keys()].sort(byCatalogOrder);
}

/** The versions a type has schemas for, oldest first. */
export function schemaVersions(type: string): readonly number[] {
  const versions = schemasByType.get(type);
  if (!versions) throw new UnknownEventSchema(type);
  return [...versions.keys()].sort((a, b) => a - b);
}

/** The version the domain writes today, and the one readers see after upcasting. */
export function currentSchemaVersion(type: string): number {
  if (!isDomainEventType(type)) throw new UnknownEventSchema(type);
  return eventCatalog[type].schemaVersion;
}

/** The stream category (`contract`, `employer`, `trainer`): the NATS subject's middle part. */
export function eventCategory(type: string): EventCategory {
  if (!isDomainEventType(type)) throw new UnknownEventSchema(type);
  return eventCatalog[type].category;
}

export function eventSchema(type: string, version: number): JsonSchema {
  const schema = schemasByType.get(type)?.get(version);
  if (!schema) throw new UnknownEventSchema(type, version);
  return schema;
}

function byCatalogOrder(a: string, b: string): number {
  const order = Object.keys(eventCatalog);
  const rank = (type: string) => (order.includes(type) ? order.indexOf(type) : order.length);
  return rank(a) - rank(b) || a.localeCompare(b);
}
