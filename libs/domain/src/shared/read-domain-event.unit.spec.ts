import { InvariantViolation } from './assert';
import { undecidedEventTypes, typesUsedFor, type EventTypeUses } from './event-type-uses';
import { domainEventOf, isRecordOfType, readDomainEvent, readEventMetadata, type StoredEvent } from './read-domain-event';
import { domainEventTypes } from './schema-versions';

const occurredAt = '2026-03-01T10:00:00.000Z';
const stored = (type: string, metadata: Record<string, unknown> = { occurredAt }): StoredEvent => ({
  eventId: 'ev_1',
  type,
  data: { contractId: 'c_1', archived: true },
  metadata,
  streamId: 'contract-c_1',
  revision: 3,
  position: '00000000000000000001-00000000000000000007',
});

describe('readDomainEvent', () => {
  it('reads a catalog type as the domain event, with where and when it happened', () => {
    const record = readDomainEvent(stored('ContractArchived'));
    expect(record).toEqual({
      type: 'ContractArchived',
      event: { type: 'ContractArchived', data: { contractId: 'c_1', archived: true } },
      eventId: 'ev_1',
      occurredAt,
      metadata: { occurredAt },
      streamId: 'contract-c_1',
      revision: 3,
      position: '00000000000000000001-00000000000000000007',
    });
  });

  it('reads a type outside the catalog, or outside the reader’s types, as null', () => {
    expect(readDomainEvent(stored('SomethingElseHappened'))).toBeNull();
    expect(readDomainEvent(stored('toString'))).toBeNull();
    expect(readDomainEvent(stored('ContractArchived'), new Set(['ContractCreated'] as const))).toBeNull();
    expect(readDomainEvent(stored('ContractArchived'), new Set(['ContractArchived'] as const))?.type).toBe('ContractArchived');
  });

  it('refuses a domain event without occurredAt, but only one the reader reads', () => {
    expect(() => readDomainEvent(stored('ContractArchived', {}))).toThrow(InvariantViolation);
    expect(() => readDomainEvent(stored('ContractArchived', { occurredAt: 7 }))).toThrow(/ev_1 at .* has metadata.occurredAt/);
    expect(readDomainEvent(stored('ContractArchived', {}), new Set(['ContractCreated'] as const))).toBeNull();
    expect(readDomainEvent(stored('SomethingElseHappened', {}))).toBeNull();
  });

  it('narrows a record to a subset of types', () => {
    const record = readDomainEvent(stored('ContractArchived'))!;
    expect(isRecordOfType(record, new Set(['ContractArchived'] as const))).toBe(true);
    expect(isRecordOfType(record, new Set(['ContractCreated'] as const))).toBe(false);
  });
});

describe('domainEventOf', () => {
  it('types the event without reading its metadata', () => {
    expect(domainEventOf(stored('ContractArchived', {}))).toEqual({ type: 'ContractArchived', data: { contractId: 'c_1', archived: true } });
    expect(domainEventOf(stored('SomethingElseHappened'))).toBeNull();
  });
});

describe('readEventMetadata', () => {
  it('keeps each field the service writes, typed', () => {
    const metadata = {
      eventId: 'ev_1', contractId: 'c_1', milestoneId: 'm_1', employerId: 'emp_1', trainerId: 'tr_1',
      actor: { role: 'employer', id: 'emp_1' }, correlationId: 'co_1', causationId: 'ca_1', occurredAt, schemaVersion: 2, upcastedFrom: 1,
    };
    expect(readEventMetadata(stored('ContractArchived', { ...metadata, appendAttempt: 'x' }))).toEqual(metadata);
  });

  it('leaves out a field that does not have its type (tests write causationId: null)', () => {
    const read = readEventMetadata(stored('ContractArchived', { occurredAt, causationId: null, schemaVersion: '1', actor: { role: 'admin', id: 'x' } }));
    expect(read).toEqual({ occurredAt });
  });
});

describe('event type uses', () => {
  const uses = Object.fromEntries(domainEventTypes.map((type) => [type, type === 'ContractCreated' ? 'read' : 'ignored'])) as EventTypeUses<'read'>;

  it('lists the types a reader marks with a use', () => {
    expect([...typesUsedFor(uses, 'read')]).toEqual(['ContractCreated']);
  });

  it('finds the types a table gives no known use', () => {
    expect(undecidedEventTypes(uses, ['read'])).toEqual([]);
    expect(undecidedEventTypes({ ...uses, MilestoneFunded: 'maybe' }, ['read'])).toEqual(['MilestoneFunded']);
    const { ContractArchived: _, ...missing } = uses;
    expect(undecidedEventTypes(missing, ['read'])).toEqual(['ContractArchived']);
  });
});
