import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { eventSchema, UnknownEventSchema } from './event-schemas';
import { eventMetadataSchema, eventSchemaFiles, feedMessageSchema, type JsonSchema } from './schema-files';

let ajv: Ajv | null = null;

/** One Ajv for every schema, built on first use: `$ref`s between files resolve by `$id`. */
function validatorOf(schema: JsonSchema): ValidateFunction {
  if (ajv === null) {
    ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
    addFormats(ajv);
    ajv.addSchema([eventMetadataSchema, feedMessageSchema, ...eventSchemaFiles.map((file) => file.schema)]);
  }
  const id = schema.$id;
  if (typeof id !== 'string') throw new Error(`schema ${String(schema.title)} has no $id`);
  const validate = ajv.getSchema(id);
  if (!validate) throw new Error(`schema ${id} is not registered`);
  return validate;
}

/** Errors of `data` against the schema of `type` at `version`; empty when it conforms. */
export function validateEvent(type: string, version: number, data: unknown): string[] {
  let schema: JsonSchema;
  try {
    schema = eventSchema(type, version);
  } catch (error) {
    if (error instanceof UnknownEventSchema) return [error.message];
    throw error;
  }
  return errorsOf(validatorOf(schema), data);
}

/** Errors of an event's metadata (as readers see it) against event-metadata.json. */
export function validateMetadata(metadata: unknown): string[] {
  return errorsOf(validatorOf(eventMetadataSchema), metadata);
}

/**
 * Errors of a feed message: its envelope against feed-message.json, then its data against the
 * schema of its type at the version its metadata names.
 */
export function validateFeedMessage(message: unknown): string[] {
  const envelopeErrors = errorsOf(validatorOf(feedMessageSchema), message);
  if (envelopeErrors.length > 0) return envelopeErrors;
  const { type, data, metadata } = message as { type: string; data: unknown; metadata: { schemaVersion: number } };
  return validateEvent(type, metadata.schemaVersion, data).map((error) => (error.startsWith('/') ? `data${error}` : `data: ${error}`));
}

function errorsOf(validate: ValidateFunction, value: unknown): string[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).map(describeError);
}

function describeError(error: ErrorObject): string {
  const where = error.instancePath === '' ? '/' : error.instancePath;
  const extra = error.keyword === 'additionalProperties' ? ` (${String(error.params.additionalProperty)})` : '';
  return `${where} ${error.message ?? error.keyword}${extra}`;
}
