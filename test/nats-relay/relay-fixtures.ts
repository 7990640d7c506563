import { randomBytes, randomUUID } from 'node:crypto';
import { readLimitMax, toFeedMessage, type EventStore, type EventToAppend, type RecordedEvent } from '@escrow/event-store';
import { eventSubject, positionHeader } from '@escrow/nats-relay';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';

/** CI starts a NATS server with JetStream here; without one this suite fails rather than skips. */
export const natsUrl = process.env.NATS_TEST_URL ?? 'nats://127.0.0.1:4222';
const natsConnectTimeoutMs = 2_000;
const fetchBatchSizeMax = 1_000;
const fetchExpiresMs = 2_000;

export async function connectToNats(): Promise<NatsConnection> {
  try {
    return await connect({ servers: natsUrl, timeout: natsConnectTimeoutMs });
  } catch (error) {
    throw new Error(`the NATS relay suite needs NATS with JetStream at ${natsUrl} (set NATS_TEST_URL): ${String(error)}`);
  }
}

/** A stream and subject space of its own, so runs sharing one server never see each other. */
export function uniqueRelayTarget(): { streamName: string; subjectPrefix: string } {
  const suffix = randomBytes(5).toString('hex');
  return { streamName: `RELAY_TEST_${suffix}`, subjectPrefix: `relaytest.${suffix}` };
}

export async function deleteStream(nc: NatsConnection, streamName: string): Promise<void> {
  const jsm = await jetstreamManager(nc);
  await jsm.streams.delete(streamName).catch(() => undefined);
}

export interface PlannedAppend {
  readonly streamId: string;
  readonly events: readonly EventToAppend[];
}

const eventTypes = ['MilestoneCreated', 'MilestoneFundingRequested', 'MilestoneFunded', 'MilestoneApproved', 'MilestonePayoutCompleted'];

/**
 * `eventCount` events spread over many contract, employer and trainer streams, one to four per
 * append, shaped like the command handler's envelopes. Seeded, so a failure can be replayed.
 */
export function planAppends(eventCount: number, seed: number): PlannedAppend[] {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const streams = [
    ...Array.from({ length: 120 }, () => `contract-${randomUUID()}`),
    ...Array.from({ length: 30 }, () => `employer-emp_${randomBytes(4).toString('hex')}`),
    ...Array.from({ length: 20 }, () => `trainer-tr_${randomBytes(4).toString('hex')}`),
  ];
  const appends: PlannedAppend[] = [];
  for (let planned = 0; planned < eventCount; ) {
    const size = Math.min(eventCount - planned, 1 + Math.floor(random() * 4));
    const streamId = pick(streams);
    appends.push({ streamId, events: Array.from({ length: size }, (_, i) => plannedEvent(streamId, pick(eventTypes), planned + i)) });
    planned += size;
  }
  return appends;
}

function plannedEvent(streamId: string, type: string, n: number): EventToAppend {
  const eventId = randomUUID();
  return {
    eventId,
    type,
    data: { streamId, milestoneId: `ms_${n}`, amount: { amountCents: 1_000 + n, currency: 'USD' } },
    metadata: {
      eventId,
      actor: { role: 'service', id: 'nats-relay-test' },
      correlationId: randomUUID(),
      causationId: randomUUID(),
      occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
      schemaVersion: 1,
    },
  };
}

/** Appends in order; `afterEach` runs after each append (arming faults, pacing). */
export async function appendAll(store: EventStore, appends: readonly PlannedAppend[], afterEach?: (index: number) => Promise<void> | void): Promise<void> {
  for (const [index, append] of appends.entries()) {
    await store.append(append.streamId, append.events, 'any');
    await afterEach?.(index);
  }
}

export async function readWholeLog(store: EventStore): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for (;;) {
    const batch = await store.readAll({ fromPosition: events.at(-1)?.position ?? null, limit: readLimitMax });
    events.push(...batch);
    if (batch.length < readLimitMax) return events;
  }
}

export interface RelayedMessage {
  readonly seq: number;
  readonly subject: string;
  readonly msgId: string | undefined;
  readonly position: string | undefined;
  readonly payload: unknown;
}

/** The whole JetStream stream, read with an ordered consumer: what a subscriber would see. */
export async function readWholeStream(nc: NatsConnection, streamName: string): Promise<{ messages: RelayedMessage[]; storedCount: number }> {
  const jsm = await jetstreamManager(nc);
  const storedCount = (await jsm.streams.info(streamName)).state.messages;
  const consumer = await jetstream(nc).consumers.get(streamName);
  const messages: RelayedMessage[] = [];
  while (messages.length < storedCount) {
    const batch = await consumer.fetch({ max_messages: Math.min(fetchBatchSizeMax, storedCount - messages.length), expires: fetchExpiresMs });
    const before = messages.length;
    for await (const m of batch) {
      messages.push({ seq: m.seq, subject: m.subject, msgId: m.headers?.get('Nats-Msg-Id'), position: m.headers?.get(positionHeader), payload: m.json() });
    }
    if (messages.length === before) break;
  }
  await consumer.delete().catch(() => undefined);
  return { messages, storedCount };
}

/** Every event once, in log order, on its subject, with the feed payload. */
export function expectStreamMirrorsLog(relayed: { messages: RelayedMessage[]; storedCount: number }, log: readonly RecordedEvent[], subjectPrefix: string): void {
  expect(relayed.storedCount).toBe(log.length);
  expect(relayed.messages).toHaveLength(log.length);
  expect(new Set(relayed.messages.map((m) => m.msgId)).size).toBe(log.length);
  expect(relayed.messages.map((m) => m.msgId)).toEqual(log.map((e) => e.eventId));
  expect(relayed.messages.map((m) => m.position)).toEqual(log.map((e) => e.position));
  expect(relayed.messages.map((m) => m.subject)).toEqual(log.map((e) => eventSubject(subjectPrefix, e.streamId, e.type)));
  expect(relayed.messages.map((m) => m.payload)).toEqual(log.map((e) => JSON.parse(JSON.stringify(toFeedMessage(e)))));
}

/** Polls until `done` holds; fails naming `what` after `timeoutMs`. */
export async function waitUntil(what: string, done: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}
