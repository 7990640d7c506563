import { csvLine } from '@escrow/csv';
import { usd } from '@escrow/domain';
import { entriesCsvHeader } from './escrow-ledger.response';
import { assertEscrowHeld, assertEscrowNotNegative, assertLedgerBalanced, escrowMovement, evolveBalance } from './escrow-ledger.evolve';

const ref = { contractId: 'c1', milestoneId: 'm1' };

describe('escrow-ledger checks', () => {
  it('reads escrow movements from the events themselves', () => {
    expect(escrowMovement({ type: 'MilestoneFunded', data: { ...ref, amount: usd(500), paymentIntentId: 'pi', chargeId: 'ch' } }))
      .toEqual({ fundedCents: 500, releasedCents: 0, refundedCents: 0, chargebackLostCents: 0 });
    expect(escrowMovement({ type: 'MilestoneRefunded', data: { ...ref, amount: usd(200), refundId: 're', chargeId: 'ch' } }))
      .toEqual({ fundedCents: 0, releasedCents: 0, refundedCents: 200, chargebackLostCents: 0 });
    const resolved = (resolution: 'split' | 'refund') => ({
      type: 'MilestoneDisputeResolved' as const,
      data: { ...ref, resolution, trainerId: 't', trainerAmount: usd(resolution === 'split' ? 300 : 0), refundAmount: usd(resolution === 'split' ? 200 : 500), fee: usd(0), net: usd(resolution === 'split' ? 300 : 0), feeBps: 0, chargeId: 'ch', note: 'n' },
    });
    expect(escrowMovement(resolved('split'))).toEqual({ fundedCents: 0, releasedCents: 300, refundedCents: 0, chargebackLostCents: 0 });
    expect(escrowMovement(resolved('refund'))).toBeNull();
    expect(escrowMovement({ type: 'MilestoneDisputed', data: { ...ref, disputedBy: 'employer', reason: 'r', previousStatus: 'funded', chargeback: null } })).toBeNull();
  });

  it('adds entries to balances', () => {
    const once = evolveBalance(null, { account: 'a', debitCents: 5, creditCents: 0 });
    expect(evolveBalance(once, { account: 'a', debitCents: 0, creditCents: 7 })).toEqual({ debitCents: 5, creditCents: 7 });
  });

  it('refuses an overdrawn escrow, but not a debit-normal account below zero', () => {
    expect(() => assertEscrowNotNegative('escrow:contract:c1', { debitCents: 101, creditCents: 100 }, 'p')).toThrow(/does not go negative/);
    expect(() => assertEscrowNotNegative('escrow:contract:c1', { debitCents: 100, creditCents: 100 }, 'p')).not.toThrow();
    expect(() => assertEscrowNotNegative('platform:stripe_balance', { debitCents: 0, creditCents: 100 }, 'p')).not.toThrow();
  });

  it('refuses escrow that differs from funded − released − refunded', () => {
    const contract = { contractId: 'c1', fundedCents: 1_000, releasedCents: 300, refundedCents: 200, chargebackLostCents: 100 };
    expect(() => assertEscrowHeld(contract, { debitCents: 600, creditCents: 1_000 }, 'p')).not.toThrow();
    expect(() => assertEscrowHeld(contract, { debitCents: 500, creditCents: 1_000 }, 'p')).toThrow(
      /holds 500 cents = funded 1000 − released 300 − refunded 200 − chargebacks lost 100/,
    );
  });

  it('refuses a ledger whose totals differ', () => {
    expect(() => assertLedgerBalanced({ debitCents: 10, creditCents: 10 }, 'p')).not.toThrow();
    expect(() => assertLedgerBalanced({ debitCents: 10, creditCents: 9 }, 'p')).toThrow(/sums to zero/);
  });
});

describe('entries CSV', () => {
  it('has one header field per column', () => {
    expect(csvLine(entriesCsvHeader).split(',')).toHaveLength(12);
  });
});
