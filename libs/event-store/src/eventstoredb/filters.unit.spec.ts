import { InvariantViolation } from '@escrow/domain';
import { domainStreamPrefixes, inReadScope, intersectPrefixes, readScope, serverStreamFilter, storeStreams } from './filters';

const systemStreams = ['$all', '$streams', '$settings', '$stats-127.0.0.1:2113', '$ce-contract', '$et-Happened', '$$contract-1', '$scavenges'];

describe('EventStoreDB filters', () => {
  it('defaults to the domain\'s stream prefixes', () => {
    expect(domainStreamPrefixes).toEqual(['contract-', 'employer-', 'trainer-']);
    expect(storeStreams({})).toEqual({ namespace: '', prefixes: ['contract-', 'employer-', 'trainer-'] });
  });

  it('builds the client\'s stream-name prefix filter from the store\'s streams', () => {
    const scope = readScope(storeStreams({}))!;
    expect(serverStreamFilter(scope)).toMatchObject({
      filterOn: 'streamName',
      prefixes: ['contract-', 'employer-', 'trainer-'],
      checkpointInterval: 1,
    });
    expect(scope.eventTypes).toBeNull();
  });

  it('never lets a system stream through, whatever the filter asks', () => {
    const streams = storeStreams({ namespace: 'run-1/' });
    for (const filter of [undefined, {}, { streamPrefixes: [''] }, { streamPrefixes: ['contract-', '$ce-'] }, { eventTypes: ['$>'] }]) {
      const scope = readScope(streams, filter)!;
      for (const system of systemStreams) {
        expect(scope.serverPrefixes.some((prefix) => system.startsWith(prefix))).toBe(false);
        expect(inReadScope(scope, system, 'Happened')).toBe(false);
      }
    }
  });

  it('refuses store prefixes that would reach system streams or everything', () => {
    expect(() => storeStreams({ streamPrefixes: [] })).toThrow(InvariantViolation);
    expect(() => storeStreams({ streamPrefixes: [''] })).toThrow(InvariantViolation);
    expect(() => storeStreams({ streamPrefixes: ['contract-', '$ce-'] })).toThrow(InvariantViolation);
    expect(() => storeStreams({ namespace: '$test-' })).toThrow(InvariantViolation);
  });

  it('puts the namespace before every prefix, so one run never sees another\'s streams', () => {
    const scope = readScope(storeStreams({ namespace: 'run-1/' }))!;
    expect(scope.serverPrefixes).toEqual(['run-1/contract-', 'run-1/employer-', 'run-1/trainer-']);
    expect(inReadScope(scope, 'run-1/contract-9', 'A')).toBe(true);
    expect(inReadScope(scope, 'run-2/contract-9', 'A')).toBe(false);
    expect(inReadScope(scope, 'contract-9', 'A')).toBe(false);
  });

  it('narrows to the prefixes the port\'s filter asks for, within the store\'s', () => {
    const streams = storeStreams({ namespace: 'ns:' });
    expect(readScope(streams, { streamPrefixes: ['contract-'] })!.serverPrefixes).toEqual(['ns:contract-']);
    expect(readScope(streams, { streamPrefixes: ['contract-42'] })!.serverPrefixes).toEqual(['ns:contract-42']);
    expect(readScope(streams, { streamPrefixes: ['contract-', 'trainer-'] })!.serverPrefixes).toEqual(['ns:contract-', 'ns:trainer-']);
    expect(readScope(streams, { streamPrefixes: ['con'] })!.serverPrefixes).toEqual(['ns:contract-']);
    expect(readScope(streams, { streamPrefixes: ['invoice-'] })).toBeNull();
    expect(readScope(streams, { streamPrefixes: ['$ce-'] })).toBeNull();
  });

  it('treats empty lists as no filter, as the PostgreSQL adapter does', () => {
    const scope = readScope(storeStreams({}), { streamPrefixes: [], eventTypes: [] })!;
    expect(scope.serverPrefixes).toEqual(['contract-', 'employer-', 'trainer-']);
    expect(scope.eventTypes).toBeNull();
  });

  it('checks event types client-side, on top of the server\'s stream filter', () => {
    const scope = readScope(storeStreams({}), { streamPrefixes: ['contract-'], eventTypes: ['MilestoneFunded', 'MilestoneRefunded'] })!;
    expect(serverStreamFilter(scope)).toMatchObject({ filterOn: 'streamName', prefixes: ['contract-'] });
    expect(inReadScope(scope, 'contract-1', 'MilestoneFunded')).toBe(true);
    expect(inReadScope(scope, 'contract-1', 'MilestoneCreated')).toBe(false);
    expect(inReadScope(scope, 'trainer-1', 'MilestoneFunded')).toBe(false);
  });

  it('intersects prefix sets pairwise, keeping the narrower prefix', () => {
    expect(intersectPrefixes(['a-', 'b-'], ['a-1', 'b-', 'c-'])).toEqual(['a-1', 'b-']);
    expect(intersectPrefixes(['a-1', 'a-2'], ['a-'])).toEqual(['a-1', 'a-2']);
    expect(intersectPrefixes(['a-'], ['b-'])).toEqual([]);
  });
});
