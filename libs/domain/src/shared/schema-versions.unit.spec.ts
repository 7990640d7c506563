import { contractEventTypes, contractStream, isContractEvent } from '../contract/events';
import { employerStream } from '../billing/employer';
import { trainerStream } from '../billing/trainer';
import {
  domainEventTypes,
  domainStreamPrefixes,
  eventCatalog,
  eventCategories,
  eventTypesIn,
  streamPrefixesOf,
  streamPrefixOf,
} from './schema-versions';

describe('lists derived from the event catalog', () => {
  it('files every type under exactly one category', () => {
    const byCategory = eventCategories.flatMap((category) => eventTypesIn(category));
    expect([...byCategory].sort()).toEqual([...domainEventTypes].sort());
    expect(new Set(byCategory).size).toBe(byCategory.length);
  });

  it('takes the contract event types from the catalog, so isContractEvent sees every one', () => {
    expect(contractEventTypes).toEqual(domainEventTypes.filter((type) => eventCatalog[type].category === 'contract'));
    for (const type of domainEventTypes) expect(isContractEvent({ type })).toBe(eventCatalog[type].category === 'contract');
    expect(isContractEvent({ type: 'SomethingElse' })).toBe(false);
  });

  it('names each category’s streams as the stream-name functions do', () => {
    expect(eventCategories).toEqual(['contract', 'employer', 'trainer']);
    expect(contractStream('x')).toBe(`${streamPrefixOf('contract')}x`);
    expect(employerStream('x')).toBe(`${streamPrefixOf('employer')}x`);
    expect(trainerStream('x')).toBe(`${streamPrefixOf('trainer')}x`);
    expect(domainStreamPrefixes).toEqual(['contract-', 'employer-', 'trainer-']);
  });

  it('gives a reader of some types the prefixes of their streams, once each', () => {
    expect(streamPrefixesOf(['TrainerPayoutAccountUpdated', 'MilestoneApproved', 'MilestoneFunded'])).toEqual(['contract-', 'trainer-']);
    expect(streamPrefixesOf([])).toEqual([]);
  });
});
