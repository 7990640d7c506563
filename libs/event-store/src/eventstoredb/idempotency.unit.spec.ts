import { InvariantViolation } from '@escrow/domain';
import { findEarlierAppend, judgeAcceptedAppend } from './idempotency';

const event = (eventId: string) => ({ eventId, type: 'Happened', data: {}, metadata: {} });
const stored = (eventId: string, revision: number) => ({ eventId, revision, position: `position-${revision}` });

describe('EventStoreDB idempotency', () => {
  const batch = [event('a'), event('b')];

  it('calls an accepted append fresh when the stored last event carries this call\'s attempt', () => {
    expect(judgeAcceptedAppend({ eventId: 'b', attemptId: 'attempt-2' }, batch, 'attempt-2')).toEqual({ duplicate: false });
  });

  it('calls it a duplicate when an earlier call (or one written without attempts) stored the events', () => {
    expect(judgeAcceptedAppend({ eventId: 'b', attemptId: 'attempt-1' }, batch, 'attempt-2')).toEqual({ duplicate: true });
    expect(judgeAcceptedAppend({ eventId: 'B', attemptId: null }, batch, 'attempt-2')).toEqual({ duplicate: true });
  });

  it('asserts that ESDB answered with the batch\'s last event', () => {
    expect(() => judgeAcceptedAppend({ eventId: 'a', attemptId: 'attempt-2' }, batch, 'attempt-2')).toThrow(InvariantViolation);
  });

  it('finds a refused batch already in the stream, answering with its last event', () => {
    const recent = [stored('z', 9), stored('b', 4), stored('a', 3)];
    expect(findEarlierAppend(recent, batch)).toEqual({ kind: 'all', last: stored('b', 4) });
    expect(findEarlierAppend([stored('A', 3), stored('B', 4)], batch)).toEqual({ kind: 'all', last: stored('B', 4) });
  });

  it('tells a partly repeated batch from a true version conflict', () => {
    expect(findEarlierAppend([stored('a', 0)], batch)).toEqual({ kind: 'some', eventIds: ['a'] });
    expect(findEarlierAppend([stored('x', 0), stored('y', 1)], batch)).toEqual({ kind: 'none' });
    expect(findEarlierAppend([], batch)).toEqual({ kind: 'none' });
  });
});
