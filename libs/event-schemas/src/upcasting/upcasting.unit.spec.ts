import { domainEventTypes, usd } from '@escrow/domain';
import type { RecordedEvent } from '@escrow/event-store';
import { currentSchemaVersion, schemaVersions } from '../event-schemas';
import { validateEvent, validateMetadata } from '../validation';
import { upcastRecordedEvent } from './upcast-recorded-event';
import { milestoneDisputedV1ToV2, upcastData, upcasters } from './upcasters';

const ref = { contractId: 'c_1', milestoneId: 'm_1' };
/** As stored before chargebacks existed. */
const partyDisputeV1 = { ...ref, disputedBy: 'employer', reason: 'late', previousStatus: 'funded' };
/** As stored at v1 once chargebacks existed (the field was added without a new version). */
const chargebackDisputeV1 = {
  ...ref,
  disputedBy: 'service',
  reason: 'chargeback: fraudulent',
  previousStatus: 'approved',
  chargeback: { disputeId: 'dp_1', chargeId: 'ch_1', amount: usd(15_000) },
};

function recorded(type: string, data: unknown, metadata: Record<string, unknown>): RecordedEvent {
  return {
    eventId: '0b8e6f0c-3b1e-4c55-9d39-2f3c7f1f4a11',
    type,
    data,
    metadata: {
      eventId: '0b8e6f0c-3b1e-4c55-9d39-2f3c7f1f4a11',
      contractId: 'c_1',
      actor: { role: 'employer', id: 'emp_1' },
      correlationId: 'corr-1',
      causationId: 'corr-1',
      occurredAt: '2026-11-23T10:00:00.000Z',
      ...metadata,
    },
    streamId: 'contract-c_1',
    revision: 3,
    position: '00000000000000001234-00000000000000000042',
    recordedAt: '2026-11-23T10:00:00.010Z',
  };
}

describe('the upcaster chain', () => {
  it.each(domainEventTypes)('%s: every version below the current one has an upcaster to the next, and no other', (type) => {
    const olderVersions = schemaVersions(type).slice(0, -1);
    expect(Object.keys(upcasters[type] ?? {}).map(Number)).toEqual(olderVersions);
  });

  it('reads a v1 party dispute with an explicit "no chargeback"', () => {
    const upcast = milestoneDisputedV1ToV2(partyDisputeV1, {});
    expect(upcast).toEqual({ ...partyDisputeV1, chargeback: null });
    expect(validateEvent('MilestoneDisputed', 2, upcast)).toEqual([]);
  });

  it('keeps the chargeback a v1 event already names, and a null one', () => {
    expect(validateEvent('MilestoneDisputed', 1, chargebackDisputeV1)).toEqual([]);
    expect(milestoneDisputedV1ToV2(chargebackDisputeV1, {})).toEqual(chargebackDisputeV1);
    expect(validateEvent('MilestoneDisputed', 2, milestoneDisputedV1ToV2(chargebackDisputeV1, {}))).toEqual([]);
    expect(milestoneDisputedV1ToV2({ ...partyDisputeV1, chargeback: null }, {})).toEqual({ ...partyDisputeV1, chargeback: null });
  });

  it('is pure: the stored data is not changed', () => {
    const stored = Object.freeze({ ...partyDisputeV1 });
    upcastData('MilestoneDisputed', 1, stored, Object.freeze({}));
    expect(stored).toEqual(partyDisputeV1);
  });

  it('leaves data already at the current version alone', () => {
    const current = { ...partyDisputeV1, chargeback: null };
    expect(upcastData('MilestoneDisputed', 2, current, {})).toBe(current);
  });

  it('refuses data from a newer writer than this reader, or a version that is not one', () => {
    expect(() => upcastData('MilestoneDisputed', 3, partyDisputeV1, {})).toThrow('stored at schema version 3, newer than');
    expect(() => upcastData('MilestoneDisputed', 0, partyDisputeV1, {})).toThrow('is a positive integer');
  });
});

describe('upcastRecordedEvent', () => {
  it('returns an old event with the newest data, the newest version, and the version it was stored at', () => {
    const event = recorded('MilestoneDisputed', partyDisputeV1, { schemaVersion: 1 });
    const upcast = upcastRecordedEvent(event);
    expect(upcast).toEqual({
      ...event,
      data: { ...partyDisputeV1, chargeback: null },
      metadata: { ...event.metadata, schemaVersion: currentSchemaVersion('MilestoneDisputed'), upcastedFrom: 1 },
    });
    expect(validateMetadata(upcast.metadata)).toEqual([]);
  });

  it('reads an event stored without a schema version as version 1', () => {
    const { schemaVersion: _none, ...metadata } = recorded('MilestoneDisputed', partyDisputeV1, {}).metadata;
    const upcast = upcastRecordedEvent({ ...recorded('MilestoneDisputed', partyDisputeV1, {}), metadata });
    expect(upcast.metadata).toMatchObject({ schemaVersion: 2, upcastedFrom: 1 });
    expect(upcast.data).toEqual({ ...partyDisputeV1, chargeback: null });

    const created = recorded('ContractArchived', { contractId: 'c_1' }, {});
    expect(upcastRecordedEvent(created).metadata).toEqual({ ...created.metadata, schemaVersion: 1 });
  });

  it('returns an event already at the current version as it is', () => {
    const event = recorded('MilestoneDisputed', { ...partyDisputeV1, chargeback: null }, { schemaVersion: 2 });
    expect(upcastRecordedEvent(event)).toBe(event);
  });

  it('passes event types the domain does not know through untouched', () => {
    const event = recorded('SomeoneElsesEvent', { anything: true }, { schemaVersion: 7 });
    expect(upcastRecordedEvent(event)).toBe(event);
  });

  it('stops on a schemaVersion that is not a positive integer: the stored metadata is corrupt', () => {
    expect(() => upcastRecordedEvent(recorded('MilestoneDisputed', partyDisputeV1, { schemaVersion: '1' }))).toThrow('is a positive integer');
  });
});
