import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { domainEventTypes, eventCatalog, usd } from '@escrow/domain';
import { currentSchemaVersion, eventSchema, eventTypes, schemaVersions, UnknownEventSchema } from './event-schemas';
import { eventSchemaFiles } from './schema-files';
import { validateEvent, validateFeedMessage, validateMetadata } from './validation';

const eventsDir = join(__dirname, '..', 'schemas', 'events');

describe('the schema files', () => {
  it('are all registered, each under the type and version its file name and $id say', () => {
    const onDisk = readdirSync(eventsDir).filter((name) => name.endsWith('.json')).sort();
    expect(eventSchemaFiles.map((f) => `${f.type}.v${f.version}.json`).sort()).toEqual(onDisk);
    for (const { type, version, schema } of eventSchemaFiles) {
      expect(schema.$id).toBe(`urn:escrow-ledger:event:${type}:v${version}`);
      expect(schema.title).toBe(`${type} v${version}`);
      expect(schema.additionalProperties).toBe(false);
    }
  });

  it('cover exactly the domain event types, and no type of their own', () => {
    expect([...eventTypes()].sort()).toEqual([...domainEventTypes].sort());
  });

  it.each(domainEventTypes)('%s has a schema for every version from 1 to the one the domain writes', (type) => {
    const current = eventCatalog[type].schemaVersion;
    expect(currentSchemaVersion(type)).toBe(current);
    expect(schemaVersions(type)).toEqual(Array.from({ length: current }, (_, i) => i + 1));
  });

  it('name an unknown type or version as such', () => {
    expect(() => eventSchema('MilestoneDisputed', 3)).toThrow(UnknownEventSchema);
    expect(() => currentSchemaVersion('SomethingElse')).toThrow('no schema for event type SomethingElse');
    expect(validateEvent('SomethingElse', 1, {})).toEqual(['no schema for event type SomethingElse version 1']);
  });
});

describe('validateEvent', () => {
  const ref = { contractId: 'c_1', milestoneId: 'm_1' };
  const funded = { ...ref, amount: usd(15_000), paymentIntentId: 'pi_1', chargeId: 'ch_1' };

  it('accepts data as the domain writes it', () => {
    expect(validateEvent('MilestoneFunded', 1, funded)).toEqual([]);
  });

  it('refuses money that is not integer cents in range, or not USD', () => {
    expect(validateEvent('MilestoneFunded', 1, { ...funded, amount: { amountCents: 150.5, currency: 'USD' } })).toEqual(['/amount/amountCents must be integer']);
    expect(validateEvent('MilestoneFunded', 1, { ...funded, amount: { amountCents: '15000', currency: 'USD' } })).toEqual(['/amount/amountCents must be integer']);
    expect(validateEvent('MilestoneFunded', 1, { ...funded, amount: usd(0) })).toEqual(['/amount/amountCents must be >= 1']);
    expect(validateEvent('MilestoneFunded', 1, { ...funded, amount: usd(100_000_001) })).toEqual(['/amount/amountCents must be <= 100000000']);
    expect(validateEvent('MilestoneFunded', 1, { ...funded, amount: { amountCents: 1, currency: 'EUR' } })).toEqual(['/amount/currency must be equal to constant']);
  });

  it('refuses unknown and missing fields, naming them', () => {
    expect(validateEvent('MilestoneFunded', 1, { ...funded, note: 'x' })).toEqual(['/ must NOT have additional properties (note)']);
    const { chargeId: _chargeId, ...withoutCharge } = funded;
    expect(validateEvent('MilestoneFunded', 1, withoutCharge)).toEqual(["/ must have required property 'chargeId'"]);
  });

  it('refuses values outside an enumeration, and dates that are not calendar dates', () => {
    expect(validateEvent('MilestoneFundingPending', 1, { ...ref, paymentIntentId: 'pi_1', nextStep: 'later' })).toEqual([
      '/nextStep must be equal to one of the allowed values',
    ]);
    const created = { ...ref, name: 'Batch 1', description: null, amount: usd(100), dueDate: '2026-12-31' };
    expect(validateEvent('MilestoneCreated', 1, created)).toEqual([]);
    expect(validateEvent('MilestoneCreated', 1, { ...created, dueDate: '2026-02-30' })).toContain('/dueDate must match format "date"');
  });

  it('holds MilestoneDisputed v2 to an explicit chargeback, which v1 may lack', () => {
    const partyDispute = { ...ref, disputedBy: 'employer', reason: 'late', previousStatus: 'funded' };
    expect(validateEvent('MilestoneDisputed', 1, partyDispute)).toEqual([]);
    expect(validateEvent('MilestoneDisputed', 2, partyDispute)).toEqual(["/ must have required property 'chargeback'"]);
    expect(validateEvent('MilestoneDisputed', 2, { ...partyDispute, chargeback: null })).toEqual([]);
  });
});

describe('validateMetadata and validateFeedMessage', () => {
  const metadata = {
    eventId: '0b8e6f0c-3b1e-4c55-9d39-2f3c7f1f4a11',
    contractId: 'c_1',
    actor: { role: 'employer', id: 'emp_1' },
    correlationId: 'corr-1',
    causationId: 'corr-1',
    occurredAt: '2026-11-23T10:00:00.000Z',
    schemaVersion: 1,
  };
  const message = {
    type: 'ContractArchived',
    stream: 'contract-c_1',
    revision: 7,
    position: '00000000000000001234-00000000000000000042',
    data: { contractId: 'c_1' },
    metadata,
  };

  it('accept the envelope the service writes', () => {
    expect(validateMetadata(metadata)).toEqual([]);
    expect(validateMetadata({ ...metadata, schemaVersion: 2, upcastedFrom: 1 })).toEqual([]);
    expect(validateFeedMessage(message)).toEqual([]);
  });

  it('refuse a time that is not ISO-8601 UTC, a role that does not exist, or an unknown key', () => {
    expect(validateMetadata({ ...metadata, occurredAt: '2026-11-23T11:00:00+01:00' })).toEqual(['/occurredAt must match pattern "Z$"']);
    expect(validateMetadata({ ...metadata, occurredAt: 'yesterday' })).toContain('/occurredAt must match format "date-time"');
    expect(validateMetadata({ ...metadata, actor: { role: 'admin', id: 'x' } })).toEqual(['/actor/role must be equal to one of the allowed values']);
    expect(validateMetadata({ ...metadata, tenant: 't' })).toEqual(['/ must NOT have additional properties (tenant)']);
  });

  it("check a feed message's data against its type at the version its metadata names", () => {
    expect(validateFeedMessage({ ...message, data: {} })).toEqual(["data/ must have required property 'contractId'"]);
    expect(validateFeedMessage({ ...message, revision: -1 })).toEqual(['/revision must be >= 0']);
    expect(validateFeedMessage({ ...message, metadata: { ...metadata, schemaVersion: 9 } })).toEqual(['data: no schema for event type ContractArchived version 9']);
  });
});
