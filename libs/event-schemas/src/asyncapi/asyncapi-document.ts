import { currentSchemaVersion, eventCategory, eventTypes, schemaVersions, eventSchema } from '../event-schemas';
import { eventMetadataSchema, feedMessageSchema, type JsonSchema } from '../schema-files';
import { toYaml, type JsonValue } from './yaml';

type JsonObject = { [key: string]: JsonValue };

/** The JetStream stream that captures every subject below `escrow.`. */
export const natsStreamName = 'ESCROW';
export const natsSubject = (type: string) => `escrow.${eventCategory(type)}.${type}`;

const metadataId = String(eventMetadataSchema.$id);
const feedChannel = 'eventFeed';
const ref = (path: string): JsonObject => ({ $ref: path });
const schemaRef = (name: string) => ref(`#/components/schemas/${name}`);
const schemaName = (type: string, version: number) => `${type}.v${version}`;
const natsChannel = (type: string) => `nats${type}`;

/**
 * The AsyncAPI 3.0.0 document of the event contract, as YAML: the SSE feed and the NATS
 * JetStream subjects, with the committed JSON schemas as payloads. docs/asyncapi.yaml is this
 * text (scripts/event-schemas/generate-asyncapi.ts writes it; a test keeps the two equal).
 */
export function asyncApiDocument(): string {
  return toYaml(asyncApiObject());
}

export function asyncApiObject(): JsonObject {
  const types = eventTypes();
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Escrow ledger events',
      version: '1.0.0',
      description: documentDescription,
    },
    defaultContentType: 'application/json',
    servers: {
      api: {
        host: '{host}',
        protocol: 'http',
        description: 'The escrow ledger API (use https outside a private network).',
        variables: { host: { default: 'localhost:3000', description: 'Host and port of the API.' } },
        security: [ref('#/components/securitySchemes/bearer')],
      },
      nats: {
        host: '{host}',
        protocol: 'nats',
        description: `NATS with JetStream: the stream ${natsStreamName} captures the subjects escrow.>, one subject per event type: escrow.<category>.<EventType>.`,
        variables: { host: { default: 'localhost:4222', description: 'Host and port of the NATS server.' } },
      },
    },
    channels: {
      [feedChannel]: {
        address: '/v1/events',
        title: 'Event feed (Server-Sent Events)',
        description: feedDescription,
        servers: [ref('#/servers/api')],
        messages: Object.fromEntries(types.map((type) => [type, ref(`#/components/messages/${type}`)])),
      },
      ...Object.fromEntries(types.map((type) => [natsChannel(type), natsChannelOf(type)])),
    },
    operations: {
      streamEvents: {
        action: 'send',
        channel: ref(`#/channels/${feedChannel}`),
        title: 'Stream events to a subscriber',
        summary: 'GET /v1/events: every event in log order, catch-up then live, as Server-Sent Events.',
        description: streamDescription,
        security: [ref('#/components/securitySchemes/bearer')],
        bindings: { http: { method: 'GET', query: feedQuery, bindingVersion: '0.3.0' } },
        messages: types.map((type) => ref(`#/channels/${feedChannel}/messages/${type}`)),
      },
      ...Object.fromEntries(types.map((type) => [`publish${type}`, publishOperationOf(type)])),
    },
    components: {
      schemas: componentSchemas(types),
      messages: Object.fromEntries(types.flatMap((type) => [[type, feedMessageOf(type)], [`${type}OnNats`, natsMessageOf(type)]])),
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'A signed token whose role is service, finance or support; other roles get 403.',
        },
      },
    },
  };
}

function natsChannelOf(type: string): JsonObject {
  return {
    address: natsSubject(type),
    title: `${type} on NATS`,
    servers: [ref('#/servers/nats')],
    messages: { [type]: ref(`#/components/messages/${type}OnNats`) },
  };
}

function publishOperationOf(type: string): JsonObject {
  return {
    action: 'send',
    channel: ref(`#/channels/${natsChannel(type)}`),
    summary: `Publishes each ${type} to ${natsSubject(type)} in stream ${natsStreamName}.`,
    messages: [ref(`#/channels/${natsChannel(type)}/messages/${type}`)],
  };
}

function feedMessageOf(type: string): JsonObject {
  return {
    name: type,
    title: type,
    summary: String(eventSchema(type, currentSchemaVersion(type)).description),
    description: `SSE frame: \`id: <position>\`, \`event: ${type}\`, \`data: <this payload as one line of JSON>\`.`,
    contentType: 'application/json',
    correlationId: { location: '$message.payload#/metadata/correlationId' },
    payload: schemaRef(`${type}Message`),
  };
}

function natsMessageOf(type: string): JsonObject {
  return {
    name: type,
    title: `${type} on NATS`,
    summary: String(eventSchema(type, currentSchemaVersion(type)).description),
    contentType: 'application/json',
    correlationId: { location: '$message.payload#/metadata/correlationId' },
    headers: {
      type: 'object',
      required: ['Nats-Msg-Id', 'Escrow-Position', 'Escrow-Event-Type'],
      properties: {
        'Nats-Msg-Id': {
          type: 'string',
          format: 'uuid',
          description: "The event's id (metadata.eventId): JetStream drops a second publish of the same event within its duplicate window.",
        },
        'Escrow-Position': {
          type: 'string',
          description: "The event's position in the log (the payload's `position`), readable without parsing the payload; resume the SSE feed from it.",
        },
        'Escrow-Event-Type': { type: 'string', const: type, description: 'The event type, as in the subject.' },
      },
    },
    payload: schemaRef(`${type}Message`),
  };
}

/** The feed message of one event type: feed-message.json with `type`, `data` and `metadata.schemaVersion` pinned. */
function typedFeedMessage(type: string): JsonObject {
  const version = currentSchemaVersion(type);
  const envelope = feedMessageSchema as { properties: Record<string, JsonObject> } & JsonSchema;
  return {
    title: `${type} feed message`,
    type: 'object',
    additionalProperties: false,
    required: envelope.required as JsonValue,
    properties: {
      ...envelope.properties,
      type: { type: 'string', const: type },
      stream: { type: 'string', pattern: `^${eventCategory(type)}-.+$`, description: `${eventCategory(type)}-<id>` },
      data: schemaRef(schemaName(type, version)),
      metadata: { allOf: [schemaRef('EventMetadata'), { type: 'object', properties: { schemaVersion: { const: version } } }] },
    },
  };
}

/**
 * Every committed schema, every version, under components.schemas. Each file's local
 * `definitions` are hoisted there by name (the same name must mean the same schema in every
 * file) and `$ref`s rewritten to point at them.
 */
function componentSchemas(types: readonly string[]): JsonObject {
  const schemas: JsonObject = {};
  const add = (name: string, schema: JsonSchema) => {
    const { definitions, ...rest } = withoutIdentity(schema) as JsonObject & { definitions?: JsonObject };
    for (const [definition, body] of Object.entries(definitions ?? {})) hoist(schemas, definition, rewriteRefs(body));
    hoist(schemas, name, rewriteRefs(rest));
  };
  add('EventMetadata', eventMetadataSchema);
  add('FeedMessage', feedMessageSchema);
  for (const type of types) {
    for (const version of schemaVersions(type)) add(schemaName(type, version), eventSchema(type, version));
    schemas[`${type}Message`] = typedFeedMessage(type);
  }
  return schemas;
}

function hoist(schemas: JsonObject, name: string, schema: JsonValue): void {
  const existing = schemas[name];
  if (existing !== undefined && JSON.stringify(existing) !== JSON.stringify(schema)) {
    throw new Error(`schema definition ${name} differs between files: give one of them another name`);
  }
  schemas[name] = schema;
}

/** `$schema` and `$id` belong to the standalone files; inside AsyncAPI the component name is the identity. */
function withoutIdentity(schema: JsonSchema): JsonObject {
  const { $schema: _schema, $id: _id, ...rest } = schema as JsonObject;
  return rest;
}

function rewriteRefs(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => {
      if (key !== '$ref' || typeof child !== 'string') return [key, rewriteRefs(child)];
      if (child === metadataId) return [key, '#/components/schemas/EventMetadata'];
      if (child.startsWith('#/definitions/')) return [key, `#/components/schemas/${child.slice('#/definitions/'.length)}`];
      throw new Error(`cannot place $ref ${child} in the AsyncAPI document`);
    }),
  );
}

const feedQuery: JsonObject = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: { type: 'string', description: 'Exclusive: start after this position (the id of an event received). Absent: from the start of the log.' },
    types: { type: 'string', description: 'Comma-separated event types to receive, for example MilestoneFunded,MilestoneRefunded. An unknown type is a 400.' },
    contractId: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,64}$', description: "Only this contract's events (stream contract-<contractId>)." },
  },
};

const documentDescription = [
  'The public event contract of the escrow ledger: every event the service records, published on',
  'an SSE feed and on NATS JetStream. Both carry the same JSON message:',
  '`{type, stream, revision, position, data, metadata}` (schema FeedMessage).',
  '',
  '- `data` is validated by the schema of `type` at `metadata.schemaVersion`; its JSON Schema files',
  '  (draft-07) are published as `<EventType>.v<N>.json`, every version kept.',
  '- Consumers always receive the current version of each type: events stored at an older version',
  '  are upcast when read, and then carry `metadata.upcastedFrom` (the version they were stored at).',
  '- Money is `{amountCents: integer, currency: "USD"}`: integer cents, never a float.',
  '- `metadata.eventId` is unique per event: deduplicate on it. `position` is opaque and ordered',
  '  across all streams: resume from it, never parse it.',
  '- Any change to the shape of a type\'s `data` is a new schema version of that type. New event',
  '  types may appear at any time: skip the types you do not know.',
].join('\n');

const feedDescription = [
  'Server-Sent Events (`text/event-stream`). Each event is one frame:',
  '',
  '```',
  'id: <position>',
  'event: <EventType>',
  'data: <the feed message, one line of JSON>',
  '```',
  '',
  'Comments (`: heartbeat`) keep the connection alive. For batch readers,',
  '`GET /v1/events/page?from=<position>&limit=<1..1000>` returns `{events, next, hasMore}` with the',
  'same messages: pass `next` back as `from`. This document is served at `GET /v1/events/asyncapi`.',
].join('\n');

const streamDescription = [
  'Catch-up from `from` (or the `Last-Event-ID` header, which wins: a reconnecting EventSource',
  'sends the id of the last event it received), then live, in global order, every event once.',
  'Filters: `types`, `contractId`. A subscriber that stops reading is disconnected and resumes',
  'from its last id when it reconnects.',
].join('\n');
