import { usd } from '@escrow/domain';
import type { RecordedEvent } from '@escrow/event-store';
import { currentSchemaVersion } from '../event-schemas';
import { validateEvent } from '../validation';
import { upcastRecordedEvent } from './upcast-recorded-event';
import { milestoneApprovedV1ToV2, upcastData } from './upcasters';

/** As stored before auto-release: only employers approved, and v1 had no reason. */
const approvedV1 = { contractId: 'c_1', milestoneId: 'm_1', trainerId: 'tr_1', amount: usd(15_000), fee: usd(1_500), net: usd(13_500), feeBps: 1_000, chargeId: 'ch_1' };

describe('MilestoneApproved v1 → v2 (reason)', () => {
  it('is written at version 2', () => {
    expect(currentSchemaVersion('MilestoneApproved')).toBe(2);
  });

  it('reads a v1 approval as the employer approval it was, valid at v2', () => {
    expect(validateEvent('MilestoneApproved', 1, approvedV1)).toEqual([]);
    const upcast = milestoneApprovedV1ToV2(approvedV1, {});
    expect(upcast).toEqual({ ...approvedV1, reason: 'employer' });
    expect(validateEvent('MilestoneApproved', 2, upcast)).toEqual([]);
  });

  it('v1 refuses a reason and v2 requires one of the two', () => {
    expect(validateEvent('MilestoneApproved', 1, { ...approvedV1, reason: 'employer' })).not.toEqual([]);
    expect(validateEvent('MilestoneApproved', 2, approvedV1)).not.toEqual([]);
    expect(validateEvent('MilestoneApproved', 2, { ...approvedV1, reason: 'auto_release' })).toEqual([]);
    expect(validateEvent('MilestoneApproved', 2, { ...approvedV1, reason: 'timeout' })).not.toEqual([]);
  });

  it('leaves a v2 event as written (an auto-release stays one)', () => {
    const v2 = { ...approvedV1, reason: 'auto_release' };
    expect(upcastData('MilestoneApproved', 2, v2, {})).toBe(v2);
  });

  it('a stored v1 event reads as v2 through the recorded-event upcast', () => {
    const stored: RecordedEvent = {
      eventId: '0b8e6f0c-3b1e-4c55-9d39-2f3c7f1f4a12',
      type: 'MilestoneApproved',
      data: approvedV1,
      metadata: { eventId: '0b8e6f0c-3b1e-4c55-9d39-2f3c7f1f4a12', occurredAt: '2026-11-23T10:00:00.000Z', schemaVersion: 1 },
      streamId: 'contract-c_1',
      revision: 5,
      position: '00000000000000001234-00000000000000000043',
      recordedAt: '2026-11-23T10:00:00.010Z',
    };
    const upcast = upcastRecordedEvent(stored);
    expect(upcast.data).toEqual({ ...approvedV1, reason: 'employer' });
    expect(upcast.metadata).toMatchObject({ schemaVersion: 2, upcastedFrom: 1 });
  });
});
