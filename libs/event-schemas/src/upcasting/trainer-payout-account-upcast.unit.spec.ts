import type { RecordedEvent } from '@escrow/event-store';
import { currentSchemaVersion } from '../event-schemas';
import { validateEvent } from '../validation';
import { upcastRecordedEvent } from './upcast-recorded-event';
import { trainerPayoutAccountConnectedV1ToV2, upcastData } from './upcasters';

/** As stored before onboarding took a country: every account was opened in the US. */
const connectedV1 = { trainerId: 'tr_1', accountId: 'acct_1', payoutsEnabled: true };

describe('TrainerPayoutAccountConnected v1 → v2 (country)', () => {
  it('is written at version 2', () => {
    expect(currentSchemaVersion('TrainerPayoutAccountConnected')).toBe(2);
  });

  it('reads a v1 account as the US account it was, valid at v2', () => {
    expect(validateEvent('TrainerPayoutAccountConnected', 1, connectedV1)).toEqual([]);
    const upcast = trainerPayoutAccountConnectedV1ToV2(connectedV1, {});
    expect(upcast).toEqual({ ...connectedV1, country: 'US' });
    expect(validateEvent('TrainerPayoutAccountConnected', 2, upcast)).toEqual([]);
  });

  it('v1 refuses a country; v2 requires one, as two capital letters', () => {
    expect(validateEvent('TrainerPayoutAccountConnected', 1, { ...connectedV1, country: 'US' })).not.toEqual([]);
    expect(validateEvent('TrainerPayoutAccountConnected', 2, connectedV1)).not.toEqual([]);
    expect(validateEvent('TrainerPayoutAccountConnected', 2, { ...connectedV1, country: 'DE' })).toEqual([]);
    for (const country of ['de', 'DEU', '']) {
      expect(validateEvent('TrainerPayoutAccountConnected', 2, { ...connectedV1, country })).not.toEqual([]);
    }
  });

  it('leaves a v2 event as written', () => {
    const v2 = { ...connectedV1, country: 'GB' };
    expect(upcastData('TrainerPayoutAccountConnected', 2, v2, {})).toBe(v2);
  });

  it('a stored v1 event reads as v2 through the recorded-event upcast', () => {
    const stored: RecordedEvent = {
      eventId: '5d1c7a2e-8f4b-4e0a-9c3d-6b2a1f0e9d81',
      type: 'TrainerPayoutAccountConnected',
      data: connectedV1,
      metadata: { eventId: '5d1c7a2e-8f4b-4e0a-9c3d-6b2a1f0e9d81', trainerId: 'tr_1', occurredAt: '2026-11-23T10:00:00.000Z', schemaVersion: 1 },
      streamId: 'trainer-tr_1',
      revision: 0,
      position: '00000000000000001234-00000000000000000044',
      recordedAt: '2026-11-23T10:00:00.010Z',
    };
    const upcast = upcastRecordedEvent(stored);
    expect(upcast.data).toEqual({ ...connectedV1, country: 'US' });
    expect(upcast.metadata).toMatchObject({ schemaVersion: 2, upcastedFrom: 1 });
  });
});
