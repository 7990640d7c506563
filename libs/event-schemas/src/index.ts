export { eventMetadataSchema, feedMessageSchema, type JsonSchema } from './schema-files';
export {
  currentSchemaVersion,
  eventCategory,
  eventSchema,
  eventTypes,
  schemaVersions,
  UnknownEventSchema,
} from './event-schemas';
export { validateEvent, validateFeedMessage, validateMetadata } from './validation';
export { upcastData, upcasters, type Upcaster } from './upcasting/upcasters';
export { upcastRecordedEvent, schemaVersionAssumedWhenMissing } from './upcasting/upcast-recorded-event';
export { UpcastingEventStore } from './upcasting/upcasting-event-store';
export { asyncApiDocument, natsStreamName, natsSubject } from './asyncapi/asyncapi-document';
