import {
  M1,
  chargebackClosed,
  chargebackDisputed,
  chargebackOpened,
  contractAt,
  disputeResolved,
  employer,
  payoutCompleted,
  supportNoteAdded,
  trainer,
} from '../../libs/domain/src/testing/contract-fixtures';
import type { ContractEvent } from '@escrow/domain';
import { evolveDisputes, toDisputeEvent, type ContractDisputes } from './disputes.evolve';
import { recordedContract } from './testing/dispute-events';

const at = (second: number) => new Date(Date.UTC(2026, 10, 1, 0, 0, second)).toISOString();

function fold(events: readonly ContractEvent[]): ContractDisputes | null {
  let state: ContractDisputes | null = null;
  for (const recorded of recordedContract('c_1', events)) {
    const event = toDisputeEvent(recorded);
    if (event) state = evolveDisputes(state, event);
  }
  return state;
}

describe('disputes read model: evolve', () => {
  it('given a contract without disputes, then it keeps its parties and milestone amounts, and no entry', () => {
    expect(fold(contractAt('paid'))).toEqual({ contractId: 'c_1', employerId: employer.id, trainerId: trainer.id, milestoneAmounts: { [M1]: 15_000 }, disputes: [] });
  });

  it("given a party's dispute, then it is open, with the milestone's amount, who opened it and when", () => {
    const events = contractAt('disputed');
    const state = fold(events)!;
    expect(state.disputes).toEqual([
      {
        disputeKey: `c_1_ev_${events.length - 1}`, contractId: 'c_1', milestoneId: M1, employerId: employer.id, trainerId: trainer.id,
        amountCents: 15_000, reason: 'work not delivered', openedBy: 'employer', openedAt: at(events.length - 1),
        chargeback: false, chargebackId: null, status: 'open', outcome: null, resolvedAt: null, notes: 0,
        position: expect.any(String),
      },
    ]);
  });

  it('given the dispute resolved by a split, then it is resolved with the outcome and time', () => {
    const events = [...contractAt('disputed'), disputeResolved('split', M1, { trainer: 6_000, refund: 9_000, fee: 600, net: 5_400 })];
    expect(fold(events)!.disputes[0]).toMatchObject({ status: 'resolved', outcome: 'split', resolvedAt: at(events.length - 1) });
  });

  it('given notes, then the latest dispute of the milestone counts them, resolved or not', () => {
    const events = [...contractAt('disputed'), supportNoteAdded(), disputeResolved('release'), supportNoteAdded(M1, 'note_2')];
    expect(fold(events)!.disputes[0]).toMatchObject({ status: 'resolved', notes: 2 });
  });

  it('given a chargeback that disputes a funded milestone, then it is a chargeback entry closed by the bank', () => {
    const opened = [...contractAt('funded'), chargebackDisputed('funded', 4_000)];
    expect(fold(opened)!.disputes[0]).toMatchObject({ chargeback: true, chargebackId: 'dp_1', openedBy: 'service', amountCents: 4_000, status: 'open' });
    const closed = [...opened, chargebackClosed('won', 'funded', null, 4_000)];
    expect(fold(closed)!.disputes[0]).toMatchObject({ status: 'resolved', outcome: 'chargeback_won' });
  });

  it('given a chargeback on a paid milestone, then a chargeback entry opens; losing it resolves it', () => {
    const events = [...contractAt('paid'), chargebackOpened('paid')];
    expect(fold(events)!.disputes).toEqual([
      expect.objectContaining({ reason: 'chargeback: fraudulent', openedBy: 'service', chargeback: true, chargebackId: 'dp_1', amountCents: 15_000, status: 'open' }),
    ]);
    const loss = { fromEscrow: { amountCents: 0, currency: 'USD' as const }, platformLoss: { amountCents: 15_000, currency: 'USD' as const }, reversedRelease: null };
    expect(fold([...events, chargebackClosed('lost', 'paid', loss)])!.disputes[0]).toMatchObject({ status: 'resolved', outcome: 'chargeback_lost' });
  });

  it("given a chargeback opened on a milestone support already holds, then the party's dispute is flagged, not duplicated", () => {
    const state = fold([...contractAt('disputed'), chargebackOpened('disputed')])!;
    expect(state.disputes).toHaveLength(1);
    expect(state.disputes[0]).toMatchObject({ openedBy: 'employer', chargeback: true, chargebackId: null, status: 'open' });
  });

  it('a milestone disputed again after a release opens a second entry', () => {
    const events = [...contractAt('disputed'), disputeResolved('release'), { type: 'MilestoneDisputed', data: { contractId: 'c_1', milestoneId: M1, disputedBy: 'trainer', reason: 'payout late', previousStatus: 'approved', chargeback: null } } as ContractEvent, payoutCompleted()];
    expect(fold(events)!.disputes.map((d) => [d.status, d.openedBy])).toEqual([['resolved', 'employer'], ['open', 'trainer']]);
  });
});
