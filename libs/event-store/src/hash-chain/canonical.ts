import { createHash, hash as oneShotHash } from 'node:crypto';

/**
 * The tamper-evident history's arithmetic, in one place: the canonical form of an event, the
 * per-stream chain link and the anchor digest. Pure (no I/O); the PostgreSQL adapter repeats
 * `chainLink` inside `es_append` with PostgreSQL's own `sha256(bytea)`, and the unit spec holds
 * both to the same vectors.
 *
 *   canonical(e) = JCS (RFC 8785) text of {data, eventId, metadata, streamId, type}
 *   digest(e)    = SHA-256(UTF-8(canonical(e)))
 *   hash(e)      = SHA-256(hash(previous event of the stream) ‖ int64be(e.revision) ‖ digest(e))
 *   hash(previous of revision 0) = 32 zero bytes
 *
 * `data` and `metadata` are hashed as stored (never upcast). Hashes are shown as lowercase hex.
 */
export const chainHashBytes = 32;
export const genesisHash: Buffer = Buffer.alloc(chainHashBytes);
/** Names the formula; an anchor or a report made with another formula is not comparable. */
export const chainAlgorithm = 'sha256-stream-chain-v1';

/** What the chain covers of an event: exactly what the store keeps, minus its place in the log. */
export interface ChainContent {
  readonly streamId: string;
  readonly eventId: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: unknown;
}

/** The last event of a stream at an anchor's position. */
export interface StreamHead {
  readonly streamId: string;
  readonly revision: number;
  /** Lowercase hex. */
  readonly hash: string;
}

/**
 * Deterministic JSON: object keys sorted by UTF-16 code units, no whitespace, strings and
 * numbers as `JSON.stringify` writes them (which is RFC 8785 for the values JSON can hold).
 * Values JSON cannot hold are treated as `JSON.stringify` treats them (`toJSON` called,
 * `undefined` members left out, `undefined` array items and non-finite numbers written as null),
 * so the canonical form of a value equals that of the value read back after it was stored.
 */
export function canonicalJson(value: unknown): string {
  // Fast path: copies with keys inserted in sorted order, written by V8's JSON.stringify. Keys
  // that an object cannot hold in insertion order (array-index-like keys come first in numeric
  // order; `__proto__` would set the prototype) take the writer below, which gives the same text.
  let text: string | undefined;
  try {
    text = JSON.stringify(sortedCopy(value));
  } catch (error) {
    if (error !== unorderableKey) throw error;
    text = write(value);
  }
  if (text === undefined) throw new TypeError('canonicalJson: the value has no JSON form');
  return text;
}

const unorderableKey = new Error('a key JSON.stringify would not write in insertion order');
const indexLikeKey = /^(?:0|[1-9]\d*)$/;

function sortedCopy(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) {
    if (typeof value === 'bigint') throw new TypeError('canonicalJson: a bigint has no JSON form');
    return value;
  }
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return sortedCopy((value as { toJSON(): unknown }).toJSON());
  if (Array.isArray(value)) {
    const items = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) items[i] = sortedCopy(value[i]);
    return items;
  }
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  const copy: Record<string, unknown> = {};
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    // Only a key starting with a digit can be index-like (the regex is the costly part of the walk).
    const first = key.charCodeAt(0);
    if ((first >= 48 && first <= 57 && indexLikeKey.test(key)) || key === '__proto__') throw unorderableKey;
    copy[key] = sortedCopy(record[key]);
  }
  return copy;
}

function write(value: unknown): string | undefined {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON(): unknown }).toJSON();
  }
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new TypeError('canonicalJson: a bigint has no JSON form');
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) return `[${value.map((item) => write(item) ?? 'null').join(',')}]`;
      const record = value as Record<string, unknown>;
      const members: string[] = [];
      for (const key of Object.keys(record).sort()) {
        const member = write(record[key]);
        if (member !== undefined) members.push(`${JSON.stringify(key)}:${member}`);
      }
      return `{${members.join(',')}}`;
    }
    default:
      // undefined, functions, symbols: left out of objects, null in arrays (as JSON.stringify does).
      return undefined;
  }
}

const uuidDigits = /^[0-9a-fA-F]{32}$/;
const uuidStandard = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * An event id as both stores give it back: a UUID in lowercase 8-4-4-4-12 form. (PostgreSQL's
 * uuid type accepts upper case, braces and missing hyphens, and answers the standard form.)
 */
export function normalizeEventId(eventId: string): string {
  if (uuidStandard.test(eventId)) return eventId;
  const digits = eventId.replace(/^\{(.*)\}$/, '$1').replace(/-/g, '');
  if (!uuidDigits.test(digits)) return eventId;
  const d = digits.toLowerCase();
  return `${d.slice(0, 8)}-${d.slice(8, 12)}-${d.slice(12, 16)}-${d.slice(16, 20)}-${d.slice(20)}`;
}

export function canonicalEvent(event: ChainContent): string {
  const eventId = normalizeEventId(event.eventId);
  // The members' keys are already in sorted order: only their values need sorted copies (the
  // same text as canonicalJson of the whole object, without copying its top level).
  let text: string | undefined;
  try {
    text = JSON.stringify({
      data: sortedCopy(event.data),
      eventId: sortedCopy(eventId),
      metadata: sortedCopy(event.metadata),
      streamId: sortedCopy(event.streamId),
      type: sortedCopy(event.type),
    });
  } catch (error) {
    if (error !== unorderableKey) throw error;
    text = write({ data: event.data, eventId, metadata: event.metadata, streamId: event.streamId, type: event.type });
  }
  if (text === undefined) throw new TypeError('canonicalJson: the value has no JSON form');
  return text;
}

/** SHA-256 of the canonical form: what a writer hands the store to chain. */
export function contentDigest(event: ChainContent): Buffer {
  return oneShotHash('sha256', canonicalEvent(event), 'buffer');
}

/** One link: SHA-256(previous ‖ int64 big-endian revision ‖ digest). */
export function chainLink(previous: Uint8Array, revision: number, digest: Uint8Array): Buffer {
  if (previous.length !== chainHashBytes || digest.length !== chainHashBytes) throw new RangeError('chainLink: hashes are 32 bytes');
  if (!Number.isSafeInteger(revision) || revision < 0) throw new RangeError('chainLink: a revision is a non-negative integer');
  const input = Buffer.allocUnsafe(chainHashBytes + 8 + chainHashBytes);
  input.set(previous, 0);
  input.writeUIntBE(Math.floor(revision / 2 ** 32), chainHashBytes, 4);
  input.writeUInt32BE(revision % 2 ** 32, chainHashBytes + 4);
  input.set(digest, chainHashBytes + 8);
  return oneShotHash('sha256', input, 'buffer');
}

/** The hashes of events appended as one batch at revisions `firstRevision`, `firstRevision + 1`, …. */
export function chainHashes(previous: Uint8Array, firstRevision: number, digests: readonly Uint8Array[]): Buffer[] {
  const hashes: Buffer[] = [];
  let link: Uint8Array = previous;
  digests.forEach((digest, i) => {
    link = chainLink(link, firstRevision + i, digest);
    hashes.push(link as Buffer);
  });
  return hashes;
}

/**
 * `chainLink(previous, revision, contentDigest(event))` for walks over many events (verify):
 * links as lowercase hex in and out, one scratch buffer, no buffer allocated per event.
 */
export class ChainLinker {
  private readonly input = Buffer.alloc(chainHashBytes + 8 + chainHashBytes);

  /** The event's link after `previousHex` (lowercase hex of the result). */
  linkHex(previousHex: string, revision: number, event: ChainContent): string {
    const input = this.input;
    if (
      previousHex.length !== 2 * chainHashBytes ||
      input.write(previousHex, 0, chainHashBytes, 'hex') !== chainHashBytes ||
      !Number.isSafeInteger(revision) ||
      revision < 0
    ) {
      // Not a well-formed link or revision: the general path (and its errors).
      return chainLink(Buffer.from(previousHex, 'hex'), revision, contentDigest(event)).toString('hex');
    }
    input.writeUInt32BE(Math.floor(revision / 2 ** 32), chainHashBytes);
    input.writeUInt32BE(revision % 2 ** 32, chainHashBytes + 4);
    // The digest as a latin1 string (one byte per char): copied into place without a buffer of its own.
    input.write(oneShotHash('sha256', canonicalEvent(event), 'binary'), chainHashBytes + 8, chainHashBytes, 'latin1');
    return oneShotHash('sha256', input, 'hex');
  }
}

export const genesisHashHex: string = genesisHash.toString('hex');

/**
 * What an anchor commits to: every stream's head at the anchor's position, sorted by stream id
 * (UTF-16 code units), one canonical `[streamId, revision, hash]` line each:
 *   SHA-256(UTF-8(line₁ "\n" line₂ "\n" …)), lines in that order, each ending with "\n".
 * A changed event changes its stream's head hash; a deleted or truncated stream, its line.
 */
export function anchorDigest(heads: Iterable<StreamHead>): string {
  const sorted = [...heads].sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
  const hash = createHash('sha256');
  for (const head of sorted) hash.update(`${canonicalJson([head.streamId, head.revision, head.hash])}\n`, 'utf8');
  return hash.digest('hex');
}
