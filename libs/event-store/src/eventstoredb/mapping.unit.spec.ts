import { ANY, NO_STREAM, STREAM_EXISTS, type ResolvedEvent } from '@eventstore/db-client';
import { convertGrpcEvent } from '@eventstore/db-client/dist/utils';
import { InvariantViolation } from '@escrow/domain';
import { appendAttemptKey, appendAttemptOf, chainHashKey, toClientExpectedRevision, toEventData, toRecordedEvent } from './mapping';
import { readEventMessage, type ServerEventFields } from './testing/server-messages';

const eventId = '6f1c0b3e-9a51-4c1e-8a7e-3d1f0c2b4a59';
/** `created` as the server sends it: 100 ns ticks since the Unix epoch, of 2026-03-04T05:06:07.089Z. */
const createdTicks = (BigInt(Date.parse('2026-03-04T05:06:07.089Z')) * 10_000n + 1_234n).toString();

/** A recorded event as the server sends it, decoded by the client's own code. */
function fromServer(fields: ServerEventFields): ResolvedEvent {
  return convertGrpcEvent(
    readEventMessage({
      id: eventId,
      stream: 'run-1/contract-42',
      type: 'MilestoneFunded',
      revision: '7',
      commit: '18014398509481985',
      createdTicks,
      data: JSON.stringify({ amount: { amountCents: 15000, currency: 'USD' } }),
      metadata: JSON.stringify({ correlationId: 'c-1', [appendAttemptKey]: 'attempt-1' }),
      ...fields,
    }),
  );
}

describe('EventStoreDB mapping', () => {
  it('maps the port\'s expected revisions to the client\'s', () => {
    expect(toClientExpectedRevision('any')).toBe(ANY);
    expect(toClientExpectedRevision('no_stream')).toBe(NO_STREAM);
    expect(toClientExpectedRevision('stream_exists')).toBe(STREAM_EXISTS);
    expect(toClientExpectedRevision(0)).toBe(0n);
    expect(toClientExpectedRevision(41)).toBe(41n);
    expect(toClientExpectedRevision(Number.MAX_SAFE_INTEGER)).toBe(9007199254740991n);
    expect(() => toClientExpectedRevision(-1)).toThrow(InvariantViolation);
    expect(() => toClientExpectedRevision(1.5)).toThrow(InvariantViolation);
  });

  it('appends our event id as ESDB\'s, JSON data, and the metadata tagged with the attempt', () => {
    const event = { eventId, type: 'MilestoneFunded', data: { n: 1 }, metadata: { correlationId: 'c-1' } };
    const hash = 'ab'.repeat(32);
    expect(toEventData(event, 'attempt-9', hash)).toEqual({
      id: eventId,
      contentType: 'application/json',
      type: 'MilestoneFunded',
      data: { n: 1 },
      metadata: { correlationId: 'c-1', [appendAttemptKey]: 'attempt-9', [chainHashKey]: hash },
    });
    expect(() => toEventData({ ...event, metadata: { [appendAttemptKey]: 'mine' } }, 'attempt-9', hash)).toThrow(InvariantViolation);
    expect(() => toEventData({ ...event, metadata: { [chainHashKey]: 'mine' } }, 'attempt-9', hash)).toThrow(InvariantViolation);
  });

  it('maps a resolved event to a RecordedEvent: namespace off, revision a number, position encoded, attempt hidden', () => {
    expect(toRecordedEvent(fromServer({}), 'run-1/')).toEqual({
      eventId,
      type: 'MilestoneFunded',
      data: { amount: { amountCents: 15000, currency: 'USD' } },
      metadata: { correlationId: 'c-1' },
      streamId: 'contract-42',
      revision: 7,
      position: '00018014398509481985-00018014398509481985',
      recordedAt: '2026-03-04T05:06:07.089Z',
    });
  });

  it('reads the attempt that wrote an event, or none', () => {
    expect(appendAttemptOf(fromServer({}).event!)).toBe('attempt-1');
    expect(appendAttemptOf(fromServer({ metadata: JSON.stringify({ correlationId: 'c-1' }) }).event!)).toBeNull();
    expect(appendAttemptOf(fromServer({ metadata: '' }).event!)).toBeNull();
  });

  it('gives empty metadata for an event written without any', () => {
    expect(toRecordedEvent(fromServer({ metadata: '' }), 'run-1/').metadata).toEqual({});
  });

  it('keeps the largest revision a number can hold, and refuses a larger one', () => {
    expect(toRecordedEvent(fromServer({ revision: '9007199254740991' }), 'run-1/').revision).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => toRecordedEvent(fromServer({ revision: '9007199254740992' }), 'run-1/')).toThrow(InvariantViolation);
  });

  it('refuses an event whose position the server did not know (2^64-1), naming the server version needed', () => {
    const unknown = fromServer({ commit: '18446744073709551615', prepare: '18446744073709551615' });
    expect(() => toRecordedEvent(unknown, 'run-1/')).toThrow(/22\.6/);
  });

  it('refuses a binary event and an event from outside the namespace', () => {
    expect(() => toRecordedEvent(fromServer({ contentType: 'application/octet-stream' }), 'run-1/')).toThrow(InvariantViolation);
    expect(() => toRecordedEvent(fromServer({ stream: 'run-2/contract-42' }), 'run-1/')).toThrow(InvariantViolation);
  });
});
