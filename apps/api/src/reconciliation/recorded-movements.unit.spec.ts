import { recordedMovementsFrom } from './recorded-movements';

const meta = (occurredAt: string) => ({ occurredAt, eventId: 'e' });
let next = 0;
/** A stored event as the log hands it back (ids and positions only need to be distinct). */
const stored = (type: string, data: unknown, metadata: Record<string, unknown>) => {
  next += 1;
  return { eventId: `e${next}`, position: `p${next}`, type, data, metadata };
};
const usd = (amountCents: number) => ({ amountCents, currency: 'USD' });

describe('our money movements from the log', () => {
  it('takes charges, transfers and refunds from their events, with our time, and skips the rest (other types, other writers\' events)', () => {
    const ref = { contractId: 'c1', milestoneId: 'm1' };
    const movements = recordedMovementsFrom([
      stored('MilestoneFundingRequested', { ...ref, amount: usd(15_000) }, meta('2026-03-01T00:00:00.000Z')),
      stored('MilestoneFunded', { ...ref, amount: usd(15_000), paymentIntentId: 'pi_1', chargeId: 'ch_1' }, meta('2026-03-01T00:00:01.000Z')),
      stored('MilestoneRefunded', { ...ref, amount: usd(5_000), refundId: 're_1', chargeId: 'ch_1' }, meta('2026-03-01T00:00:02.000Z')),
      stored('MilestonePayoutCompleted', { ...ref, trainerId: 't', amount: usd(10_000), transferId: 'tr_1', destinationAccountId: 'acct' }, meta('2026-03-01T00:00:03.000Z')),
      stored('SomeoneElsesEvent', { ...ref, amount: usd(1) }, {}),
    ]);
    expect(movements).toEqual({
      charges: [{ ...ref, id: 'ch_1', paymentIntentId: 'pi_1', amountCents: 15_000, occurredAt: new Date('2026-03-01T00:00:01Z') }],
      refunds: [{ ...ref, id: 're_1', chargeId: 'ch_1', amountCents: 5_000, occurredAt: new Date('2026-03-01T00:00:02Z') }],
      transfers: [{ ...ref, id: 'tr_1', amountCents: 10_000, occurredAt: new Date('2026-03-01T00:00:03Z') }],
    });
  });

  it('stops on a money event without a time: a report that guessed would be wrong quietly', () => {
    const event = stored('MilestoneFunded', { contractId: 'c', milestoneId: 'm', amount: usd(1), paymentIntentId: 'pi', chargeId: 'ch' }, {});
    expect(() => recordedMovementsFrom([event])).toThrow(/occurredAt/);
    const garbled = stored('MilestoneFunded', { contractId: 'c', milestoneId: 'm', amount: usd(1), paymentIntentId: 'pi', chargeId: 'ch' }, meta('yesterday'));
    expect(() => recordedMovementsFrom([garbled])).toThrow(/valid occurredAt/);
  });
});
