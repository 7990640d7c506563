import { undecidedEventTypes } from '@escrow/domain';
import { paymentSagaEventTypes, paymentSagaEventUses, paymentSagaStreamPrefixes } from './payment-saga';

describe('the event types the payment saga acts on', () => {
  it('has decided, for every event type of the catalog, whether the saga acts on it', () => {
    expect(undecidedEventTypes(paymentSagaEventUses, ['act'])).toEqual([]);
  });

  it('subscribes to exactly the streams of those types', () => {
    expect([...paymentSagaEventTypes]).toContain('TrainerPayoutAccountUpdated');
    expect(paymentSagaStreamPrefixes).toEqual(['contract-', 'trainer-']);
  });
});
