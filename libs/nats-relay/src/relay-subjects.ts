import { assert } from '@escrow/domain';

/**
 * NATS subjects for relayed events: `<prefix>.<category>.<EventType>`, where the category is the
 * stream id up to its first '-' (`contract-123` → `contract`), so subscribers can filter with
 * `escrow.contract.>` or `escrow.*.MilestoneFunded`.
 *
 * A subject token may not hold '.', '*', '>' or whitespace, and must not be empty. Tokens here
 * keep only [A-Za-z0-9_-] and every other character becomes '_': two odd names can then share a
 * subject, which is harmless because the subject only routes; the payload carries the exact
 * stream id and type.
 */
const tokenUnsafeCharacters = /[^A-Za-z0-9_-]/g;
const prefixPattern = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
export const subjectTokenLengthMax = 64;

export function subjectToken(raw: string): string {
  const token = raw.replace(tokenUnsafeCharacters, '_').slice(0, subjectTokenLengthMax);
  return token === '' ? '_' : token;
}

export function streamCategory(streamId: string): string {
  const dash = streamId.indexOf('-');
  return dash === -1 ? streamId : streamId.slice(0, dash);
}

/** A prefix is one or more literal tokens (`escrow`, `test.relay_1a2b`): no wildcard, no empty token. */
export function assertSubjectPrefix(prefix: string): void {
  assert(prefixPattern.test(prefix), `NATS subject prefix ${JSON.stringify(prefix)} is dot-separated tokens of [A-Za-z0-9_-]`);
}

export function eventSubject(prefix: string, streamId: string, eventType: string): string {
  return `${prefix}.${subjectToken(streamCategory(streamId))}.${subjectToken(eventType)}`;
}

/** What the JetStream stream captures: everything under the prefix. */
export function streamSubjects(prefix: string): string[] {
  return [`${prefix}.>`];
}
