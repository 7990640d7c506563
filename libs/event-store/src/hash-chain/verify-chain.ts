import { comparePositions, readLimitMax } from '../event-store';
import { isPosition } from '../postgres/position';
import type { AuditLog, ChainedEvent } from './audit-log';
import { chainKey } from './audit-log';
import { anchorDigest, chainAlgorithm, ChainLinker, genesisHashHex, type StreamHead } from './canonical';

/** What finance records outside the system: the log's head position and the digest of every stream's head there. */
export interface Anchor {
  readonly position: string;
  /** anchorDigest of the streams' heads at `position` (lowercase hex). */
  readonly hash: string;
}

export interface AnchorReport extends Anchor {
  readonly algorithm: string;
  readonly streams: number;
  /** `<position>.<hash>`: the whole anchor as one value, for `?anchor=` and `--anchor`. */
  readonly anchor: string;
}

export interface VerifyOptions {
  /** Exclusive: check the events after this position (stored hashes before it are trusted). Null: from the start. */
  readonly from?: string | null;
  /** Inclusive: stop after this position. Null: to the head. */
  readonly to?: string | null;
  /** Also prove that nothing at or before the anchor's position changed (needs `from` null). */
  readonly anchor?: Anchor | null;
  /** Events per read (default `verifyPageSizeDefault`). */
  readonly pageSize?: number;
}

/**
 * Small pages verify faster than `readLimitMax` ones: the page being checked and the one being
 * read stay in V8's young generation (large pages outlived a scavenge and were copied to the old
 * generation), and the extra round trips overlap with hashing. Measured in docs/BENCHMARKS.md.
 */
export const verifyPageSizeDefault = 500;

export interface BrokenLink {
  readonly position: string;
  readonly streamId: string;
  readonly revision: number;
  readonly eventId: string;
  /** The hash recomputed from the event and its stream's previous link. */
  readonly expected: string;
  /** The hash the store holds (null: none). */
  readonly found: string | null;
  readonly problem: string;
}

export interface AnchorCheck extends Anchor {
  readonly matches: boolean;
  /** The digest recomputed from the log at the anchor's position (null: the log does not reach it). */
  readonly found: string | null;
  readonly problem: string | null;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly algorithm: string;
  readonly from: string | null;
  readonly to: string | null;
  /** Events whose link was checked and found intact. */
  readonly checked: number;
  /** The last position checked (null: nothing was). */
  readonly lastPosition: string | null;
  /** The first broken link in log order, or null. */
  readonly brokenLink: BrokenLink | null;
  readonly anchor: AnchorCheck | null;
}

const anchorPattern = /^(\d{20}-\d{20})\.([0-9a-f]{64})$/;

export function formatAnchor(anchor: Anchor): string {
  return `${anchor.position}.${anchor.hash}`;
}

/** Parses `<position>.<hash>`; null when it is not one. */
export function parseAnchor(raw: string): Anchor | null {
  const match = anchorPattern.exec(raw);
  if (!match || !isPosition(match[1]!)) return null;
  return { position: match[1]!, hash: match[2]! };
}

/** The anchor at the log's head now; null for an empty log. */
export async function currentAnchor(log: AuditLog): Promise<AnchorReport | null> {
  const position = await log.headPosition();
  if (position === null) return null;
  const heads = await log.streamHeads(position);
  const hash = anchorDigest(heads);
  return { algorithm: chainAlgorithm, position, hash, streams: heads.length, anchor: formatAnchor({ position, hash }) };
}

/** Stream heads found by reading the log up to `position` (for stores with no cheaper way). */
export async function streamHeadsByWalking(log: Pick<AuditLog, 'readChain'>, position: string, pageSize = readLimitMax): Promise<StreamHead[]> {
  const heads = new Map<string, StreamHead>();
  let from: string | null = null;
  for (;;) {
    const page = await log.readChain({ fromPosition: from, limit: pageSize });
    for (const event of page) {
      if (comparePositions(event.position, position) > 0) return [...heads.values()];
      heads.set(event.streamId, { streamId: event.streamId, revision: event.revision, hash: event.hash ?? '' });
    }
    if (page.length < pageSize) return [...heads.values()];
    from = page.at(-1)!.position;
  }
}

interface Link {
  revision: number;
  /** Lowercase hex. */
  hash: string;
}

/**
 * Walks the log in global order, recomputes every event's hash from its content and its stream's
 * previous link, and reports the first link that does not hold: an edited event (its hash, and
 * every later hash of its stream, no longer match), a deleted or reordered event (a revision
 * missing), a missing hash. Streams are chained separately; a map keeps each stream's last link.
 * With an anchor, the digest of every stream's head at the anchor's position is recomputed and
 * compared: that also catches a stream deleted or truncated, or rewritten with fresh hashes.
 */
export async function verifyChain(log: AuditLog, options: VerifyOptions = {}): Promise<VerifyReport> {
  const from = options.from ?? null;
  const to = options.to ?? null;
  const anchor = options.anchor ?? null;
  const pageSize = options.pageSize ?? verifyPageSizeDefault;
  if (anchor && from !== null) throw new RangeError('an anchor is checked by a walk from the start of the log (no from)');
  if (anchor && to !== null && comparePositions(to, anchor.position) < 0) throw new RangeError('to is before the anchor position');
  if (from !== null && to !== null && comparePositions(from, to) > 0) throw new RangeError('from is after to');

  const links = new Map<string, Link>();
  const linker = new ChainLinker();
  let checked = 0;
  let lastPosition: string | null = null;
  let brokenLink: BrokenLink | null = null;
  let anchorCheck: AnchorCheck | null = null;
  const checkAnchor = (reached: boolean) => {
    if (!anchor || anchorCheck) return;
    if (!reached) {
      anchorCheck = { ...anchor, matches: false, found: null, problem: `no event at the anchor's position (the log ends before it, or the event there is gone; last event before it: ${lastPosition ?? 'none'})` };
      return;
    }
    const found = anchorDigest([...links].map(([streamId, link]) => ({ streamId, revision: link.revision, hash: link.hash })));
    const matches = found === anchor.hash;
    anchorCheck = {
      ...anchor,
      matches,
      found,
      problem: matches ? null : 'the streams at the anchor position differ from what the anchor recorded (an event, a stream deleted or truncated, or rewritten hashes)',
    };
  };

  // The next page is read while this one is checked (the database works while Node hashes).
  // A read left in flight when the walk stops early must not become an unhandled rejection.
  const read = (fromPosition: string | null) => {
    const page = log.readChain({ fromPosition, limit: pageSize });
    page.catch(() => undefined);
    return page;
  };
  let reading = read(from);
  walk: for (;;) {
    const page = await reading;
    const full = page.length === pageSize;
    if (full) reading = read(page.at(-1)!.position);
    const predecessors = from === null ? new Map<string, string | null>() : await log.storedHashes(predecessorsToLoad(page, links));
    for (const event of page) {
      if (anchor && !anchorCheck && comparePositions(event.position, anchor.position) > 0) {
        checkAnchor(lastPosition === anchor.position);
        if (!anchorCheck!.matches) break walk;
      }
      if (to !== null && comparePositions(event.position, to) > 0) break walk;
      const last = links.get(event.streamId);
      const result = checkLink(linker, event, last, from === null ? null : predecessors);
      if (typeof result !== 'string') {
        brokenLink = result;
        break walk;
      }
      // One link object per stream, updated in place.
      if (last) {
        last.revision = event.revision;
        last.hash = result;
      } else links.set(event.streamId, { revision: event.revision, hash: result });
      checked++;
      lastPosition = event.position;
    }
    if (!full) break;
  }
  if (!brokenLink) checkAnchor(lastPosition !== null && lastPosition === anchor?.position);
  const anchorResult = anchorCheck as AnchorCheck | null;
  return {
    ok: brokenLink === null && (anchorResult?.matches ?? true),
    algorithm: chainAlgorithm,
    from,
    to,
    checked,
    lastPosition,
    brokenLink,
    anchor: anchorResult,
  };
}

/** Streams seen for the first time on this page mid-stream: their predecessors' stored hashes. */
function predecessorsToLoad(page: readonly ChainedEvent[], links: ReadonlyMap<string, Link>) {
  const keys = new Map<string, { streamId: string; revision: number }>();
  for (const event of page) {
    if (links.has(event.streamId) || keys.has(event.streamId) || event.revision === 0) continue;
    keys.set(event.streamId, { streamId: event.streamId, revision: event.revision - 1 });
  }
  return [...keys.values()];
}

/** The event's recomputed hash (lowercase hex) when its link holds, else the broken link. */
function checkLink(
  linker: ChainLinker,
  event: ChainedEvent,
  last: Link | undefined,
  predecessors: ReadonlyMap<string, string | null> | null,
): string | BrokenLink {
  let previous: string;
  let problem: string | null = null;
  if (last) {
    previous = last.hash;
    if (event.revision !== last.revision + 1) {
      problem =
        event.revision > last.revision + 1
          ? `revision ${event.revision} follows revision ${last.revision} of its stream: ${event.revision - last.revision - 1} event(s) missing`
          : `revision ${event.revision} comes after revision ${last.revision} of its stream: out of order or repeated`;
    }
  } else if (event.revision === 0) {
    previous = genesisHashHex;
  } else if (predecessors) {
    const stored = predecessors.get(chainKey(event.streamId, event.revision - 1));
    previous = stored ? stored : genesisHashHex;
    if (!stored) problem = `revision ${event.revision - 1} of its stream, before it, is missing or has no hash`;
  } else {
    previous = genesisHashHex;
    problem = `the stream starts at revision ${event.revision}: revisions 0 to ${event.revision - 1} are missing`;
  }
  const expectedHex = linker.linkHex(previous, event.revision, event);
  if (problem === null && event.hash === expectedHex) return expectedHex;
  if (problem === null && event.hash === null) problem = 'no hash stored';
  if (problem === null) problem = 'the stored hash does not match the event and its stream\'s previous link: the event (or one before it) was changed';
  return {
    position: event.position,
    streamId: event.streamId,
    revision: event.revision,
    eventId: event.eventId,
    expected: expectedHex,
    found: event.hash,
    problem,
  };
}
