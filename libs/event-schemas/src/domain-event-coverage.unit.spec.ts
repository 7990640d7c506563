import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { domainEventTypes } from '@escrow/domain';
import { eventTypesProducedBySpecs, expectConformingEvents } from '../../domain/src/testing/decider-spec';

/**
 * The domain specs validate every event they give or expect against its published schema
 * (deciderSpec does it). This suite runs those specs again, in this file, so that it can then
 * ask the one question no single spec can: does some spec decide every event type the domain
 * has? A type with a schema that no spec writes is a contract nobody has checked.
 */
const domainRoot = join(__dirname, '..', '..', 'domain', 'src');

function deciderSpecFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return deciderSpecFiles(path);
    return entry.name.endsWith('.spec.ts') && readFileSync(path, 'utf8').includes('deciderSpec(') ? [path] : [];
  });
}

const specFiles = deciderSpecFiles(domainRoot).sort();

describe('the domain specs, run again to collect the event types they write', () => {
  for (const file of specFiles) {
    describe(relative(domainRoot, file), () => {
      require(file);
    });
  }
});

describe('event contract coverage', () => {
  it('found the decider specs', () => {
    expect(specFiles.map((file) => relative(domainRoot, file))).toEqual(
      expect.arrayContaining(['contract/decide.unit.spec.ts', 'billing/billing.unit.spec.ts']),
    );
  });

  it('every domain event type is decided by some decider spec, and so checked against its schema', () => {
    const produced = eventTypesProducedBySpecs();
    expect(domainEventTypes.filter((type) => !produced.has(type))).toEqual([]);
  });

  it('the check in deciderSpec fails a spec whose events break their schema, naming every error', () => {
    const event = { type: 'MilestoneCancelled', data: { contractId: 'c_1', milestoneId: 'm_1', reason: 7, extra: true } };
    expect(() => expectConformingEvents([event])).toThrow(
      'MilestoneCancelled v1 data/ must NOT have additional properties (extra)\n  MilestoneCancelled v1 data/reason must be string,null',
    );
    expect(() => expectConformingEvents([{ type: 'Unheard', data: {} }])).toThrow('Unheard: no schema for event type Unheard');
  });
});
