import { BACKWARDS, FORWARDS } from '@eventstore/db-client';
import { InvariantViolation } from '@escrow/domain';
import { ReadReq } from '@eventstore/db-client/generated/streams_pb';
import { filteredReadRequest } from './filtered-read';

const base = { maxCount: 501, prefixes: ['ns/contract-', 'ns/trainer-'], requiresLeader: true, deadlineMs: 1_000 };

describe('filtered read of $all (the request sent to the server)', () => {
  it('filters on stream-name prefixes, with a count instead of a subscription', () => {
    const options = filteredReadRequest({ ...base, from: 'start', direction: FORWARDS }).getOptions()!;
    expect(options.hasFilter()).toBe(true);
    expect(options.hasNoFilter()).toBe(false);
    expect(options.getFilter()!.hasStreamIdentifier()).toBe(true);
    expect(options.getFilter()!.hasEventType()).toBe(false);
    expect(options.getFilter()!.getStreamIdentifier()!.getPrefixList()).toEqual(['ns/contract-', 'ns/trainer-']);
    expect(options.getFilter()!.hasCount()).toBe(true);
    expect(options.getCount()).toBe('501');
    expect(options.hasSubscription()).toBe(false);
    expect(options.getResolveLinks()).toBe(false);
    expect(options.getAll()!.hasStart()).toBe(true);
    expect(options.getReadDirection()).toBe(ReadReq.Options.ReadDirection.FORWARDS);
  });

  it('starts at a position given as the exact decimal of each 64-bit part', () => {
    const from = { commit: 2n ** 63n + 5n, prepare: 2n ** 53n + 1n };
    const position = filteredReadRequest({ ...base, from, direction: FORWARDS }).getOptions()!.getAll()!.getPosition()!;
    expect(position.getCommitPosition()).toBe('9223372036854775813');
    expect(position.getPreparePosition()).toBe('9007199254740993');
  });

  it('reads backwards from the end for the head position', () => {
    const options = filteredReadRequest({ ...base, maxCount: 1, from: 'end', direction: BACKWARDS }).getOptions()!;
    expect(options.getAll()!.hasEnd()).toBe(true);
    expect(options.getReadDirection()).toBe(ReadReq.Options.ReadDirection.BACKWARDS);
    expect(options.getCount()).toBe('1');
  });

  it('refuses a read without prefixes, which the server would answer with every stream', () => {
    expect(() => filteredReadRequest({ ...base, prefixes: [], from: 'start', direction: FORWARDS })).toThrow(InvariantViolation);
    expect(() => filteredReadRequest({ ...base, maxCount: 0, from: 'start', direction: FORWARDS })).toThrow(InvariantViolation);
  });
});
