import { recordedMovementsFrom } from './recorded-movements';

const meta = (occurredAt: string) => ({ occurredAt, eventId: 'e' });
const usd = (amountCents: number) => ({ amountCents, currency: 'USD' });

describe('our money movements from the log', () => {
  it('takes charges, transfers and refunds from their events, with our time, and skips the rest', () => {
    const ref = { contractId: 'c1', milestoneId: 'm1' };
    const movements = recordedMovementsFrom([
      { type: 'MilestoneFundingRequested', data: { ...ref, amount: usd(15_000) }, metadata: meta('2026-03-01T00:00:00.000Z') },
      { type: 'MilestoneFunded', data: { ...ref, amount: usd(15_000), paymentIntentId: 'pi_1', chargeId: 'ch_1' }, metadata: meta('2026-03-01T00:00:01.000Z') },
      { type: 'MilestoneRefunded', data: { ...ref, amount: usd(5_000), refundId: 're_1', chargeId: 'ch_1' }, metadata: meta('2026-03-01T00:00:02.000Z') },
      { type: 'MilestonePayoutCompleted', data: { ...ref, trainerId: 't', amount: usd(10_000), transferId: 'tr_1', destinationAccountId: 'acct' }, metadata: meta('2026-03-01T00:00:03.000Z') },
    ]);
    expect(movements).toEqual({
      charges: [{ ...ref, id: 'ch_1', paymentIntentId: 'pi_1', amountCents: 15_000, occurredAt: new Date('2026-03-01T00:00:01Z') }],
      refunds: [{ ...ref, id: 're_1', chargeId: 'ch_1', amountCents: 5_000, occurredAt: new Date('2026-03-01T00:00:02Z') }],
      transfers: [{ ...ref, id: 'tr_1', amountCents: 10_000, occurredAt: new Date('2026-03-01T00:00:03Z') }],
    });
  });

  it('stops on a money event without a time: a report that guessed would be wrong quietly', () => {
    const event = { type: 'MilestoneFunded', data: { contractId: 'c', milestoneId: 'm', amount: usd(1), paymentIntentId: 'pi', chargeId: 'ch' }, metadata: {} };
    expect(() => recordedMovementsFrom([event])).toThrow(/occurredAt/);
  });
});
