import { usd, type ContractEvent } from '@escrow/domain';
import { assertBalanced, credit, debit, type JournalEntry } from './journal';
import { postingOf, type LoggedEvent } from './posting-rules';
import { balanceCents, foldBalances, postingsOf } from './replay';

const cid = 'c-1';
const mid = 'm-1';
const tid = 'tr_ada';
const occurredAt = '2026-03-01T10:00:00.000Z';
let sequence = 0;

function logged(event: ContractEvent): LoggedEvent {
  sequence += 1;
  return {
    eventId: `evt-${sequence}`,
    type: event.type,
    data: event.data,
    metadata: { eventId: `evt-${sequence}`, occurredAt, contractId: cid },
    position: `00000000000000000001-${String(sequence).padStart(20, '0')}`,
  };
}

/** given(event).thenPosts(reference, entries) — or .thenPostsNothing(). */
function given(event: ContractEvent) {
  const input = logged(event);
  return {
    thenPosts(stripeReference: string, entries: JournalEntry[]) {
      expect(postingOf(input)).toEqual({
        transactionId: input.eventId,
        position: input.position,
        occurredAt,
        eventId: input.eventId,
        eventType: event.type,
        contractId: cid,
        milestoneId: mid,
        stripeReference,
        entries,
      });
    },
    thenPostsNothing() {
      expect(postingOf(input)).toBeNull();
    },
  };
}

const ref = { contractId: cid, milestoneId: mid };
const funded = (cents: number): ContractEvent => ({
  type: 'MilestoneFunded',
  data: { ...ref, amount: usd(cents), paymentIntentId: 'pi_1', chargeId: 'ch_1' },
});
const approved = (cents: number, feeCents: number, feeBps: number): ContractEvent => ({
  type: 'MilestoneApproved',
  data: { ...ref, trainerId: tid, amount: usd(cents), fee: usd(feeCents), net: usd(cents - feeCents), feeBps, chargeId: 'ch_1', reason: 'employer' },
});
const resolved = (resolution: 'release' | 'refund' | 'split', escrowCents: number, trainerCents: number, feeCents: number): ContractEvent => ({
  type: 'MilestoneDisputeResolved',
  data: {
    ...ref, resolution, trainerId: tid, trainerAmount: usd(trainerCents), refundAmount: usd(escrowCents - trainerCents),
    fee: usd(feeCents), net: usd(trainerCents - feeCents), feeBps: 1000, chargeId: 'ch_1', note: 'settled',
  },
});
const paidOut = (cents: number): ContractEvent => ({
  type: 'MilestonePayoutCompleted',
  data: { ...ref, trainerId: tid, amount: usd(cents), transferId: 'tr_x1', destinationAccountId: 'acct_1' },
});
const refunded = (cents: number): ContractEvent => ({
  type: 'MilestoneRefunded',
  data: { ...ref, amount: usd(cents), refundId: 're_1', chargeId: 'ch_1' },
});

describe('posting rules', () => {
  it('MilestoneFunded: Dr platform:stripe_balance / Cr escrow, referencing the charge', () => {
    given(funded(15_000)).thenPosts('ch_1', [debit('platform:stripe_balance', 15_000), credit(`escrow:contract:${cid}`, 15_000)]);
  });

  it('MilestoneApproved with a fee: Dr escrow A / Cr trainer payable A−F, Cr fee revenue F', () => {
    given(approved(15_000, 1_500, 1000)).thenPosts('ch_1', [
      debit(`escrow:contract:${cid}`, 15_000),
      credit(`trainer_payable:${tid}`, 13_500),
      credit('platform:fee_revenue', 1_500),
    ]);
  });

  it('MilestoneApproved with a zero fee: two entries, no zero fee line', () => {
    given(approved(15_000, 0, 0)).thenPosts('ch_1', [debit(`escrow:contract:${cid}`, 15_000), credit(`trainer_payable:${tid}`, 15_000)]);
  });

  it('MilestoneApproved takes the fee from the event and never recomputes it', () => {
    // 1 cent at 50 % is half a cent: the domain rounded (half-even → 0); the ledger follows it.
    given(approved(1, 0, 5000)).thenPosts('ch_1', [debit(`escrow:contract:${cid}`, 1), credit(`trainer_payable:${tid}`, 1)]);
  });

  it('MilestoneApproved whose fee takes everything: the trainer line is dropped, still balanced', () => {
    given(approved(2, 2, 7500)).thenPosts('ch_1', [debit(`escrow:contract:${cid}`, 2), credit('platform:fee_revenue', 2)]);
  });

  it('a 0.00 payout (net rounded to nothing) moves no money and posts nothing', () => {
    given(paidOut(0)).thenPostsNothing();
  });

  it('MilestonePayoutCompleted: Dr trainer payable net / Cr platform:stripe_balance, referencing the transfer', () => {
    given(paidOut(13_500)).thenPosts('tr_x1', [debit(`trainer_payable:${tid}`, 13_500), credit('platform:stripe_balance', 13_500)]);
  });

  it('MilestoneRefunded: Dr escrow / Cr platform:stripe_balance, referencing the refund', () => {
    given(refunded(5_000)).thenPosts('re_1', [debit(`escrow:contract:${cid}`, 5_000), credit('platform:stripe_balance', 5_000)]);
  });

  it('a dispute released in full posts like an approval of the whole escrow', () => {
    given(resolved('release', 20_000, 20_000, 2_000)).thenPosts('ch_1', [
      debit(`escrow:contract:${cid}`, 20_000),
      credit(`trainer_payable:${tid}`, 18_000),
      credit('platform:fee_revenue', 2_000),
    ]);
  });

  it('a split dispute releases only the trainer part now (the refund part posts when refunded)', () => {
    given(resolved('split', 20_000, 12_345, 1_234)).thenPosts('ch_1', [
      debit(`escrow:contract:${cid}`, 12_345),
      credit(`trainer_payable:${tid}`, 11_111),
      credit('platform:fee_revenue', 1_234),
    ]);
  });

  it('a split with a zero fee posts two entries', () => {
    given(resolved('split', 20_000, 5_000, 0)).thenPosts('ch_1', [debit(`escrow:contract:${cid}`, 5_000), credit(`trainer_payable:${tid}`, 5_000)]);
  });

  it('a dispute resolved as a refund posts nothing until MilestoneRefunded', () => {
    given(resolved('refund', 20_000, 0, 0)).thenPostsNothing();
  });

  it.each<ContractEvent>([
    { type: 'ContractCreated', data: { contractId: cid, employerId: 'emp_1', trainerId: tid, projectName: 'p' } },
    { type: 'MilestoneCreated', data: { ...ref, name: 'n', description: null, amount: usd(100), dueDate: null } },
    { type: 'MilestoneFundingRequested', data: { ...ref, employerId: 'emp_1', amount: usd(100), customerId: 'cus_1', paymentMethodId: 'pm_1' } },
    { type: 'MilestoneFundingFailed', data: { ...ref, reason: 'declined', declineCode: 'generic_decline', paymentIntentId: null } },
    { type: 'MilestoneApprovalRequested', data: { ...ref, trainerId: tid, note: null } },
    { type: 'MilestonePayoutFailed', data: { ...ref, trainerId: tid, reason: 'no account', retryable: true, attempt: 1 } },
    { type: 'MilestoneDisputed', data: { ...ref, disputedBy: 'employer', reason: 'late', previousStatus: 'funded', chargeback: null } },
    { type: 'MilestoneCancelled', data: { ...ref, reason: null } },
    { type: 'ContractArchived', data: { contractId: cid } },
  ])('$type posts nothing', (event) => {
    given(event).thenPostsNothing();
  });

  it('events outside the contract streams post nothing', () => {
    const input = { ...logged(funded(1)), type: 'EmployerPaymentMethodAttached', data: { employerId: 'emp_1' } };
    expect(postingOf(input)).toBeNull();
  });

  it('subscription billing posts nothing to the escrow ledger (it is separate from milestone charges)', () => {
    const started = {
      ...logged(funded(1)),
      type: 'EmployerSubscriptionStarted',
      data: {
        employerId: 'emp_1', planId: 'agency_basic', subscriptionId: 'sub_1', customerId: 'cus_1', status: 'active',
        currentPeriodEnd: '2027-01-05T08:00:00.000Z', latestInvoiceId: 'in_1',
      },
    };
    expect(postingOf(started)).toBeNull();
    expect(postingOf({ ...logged(funded(1)), type: 'EmployerAccountTypeSet', data: { employerId: 'emp_1', accountType: 'agency' } })).toBeNull();
    const updated = { employerId: 'emp_1', subscriptionId: 'sub_1', status: 'past_due', currentPeriodEnd: '2027-01-05T08:00:00.000Z', latestInvoiceId: 'in_2', providerEventAt: '2026-12-10T10:00:00.000Z' };
    expect(postingOf({ ...logged(funded(1)), type: 'EmployerSubscriptionUpdated', data: updated })).toBeNull();
    const canceled = { employerId: 'emp_1', subscriptionId: 'sub_1', canceledAt: '2026-12-11T09:00:00.000Z', by: 'employer' };
    expect(postingOf({ ...logged(funded(1)), type: 'EmployerSubscriptionCanceled', data: canceled })).toBeNull();
  });

  it('refuses an approval whose fee and net do not add up to the amount', () => {
    const broken: ContractEvent = {
      type: 'MilestoneApproved',
      data: { ...ref, trainerId: tid, amount: usd(100), fee: usd(10), net: usd(80), feeBps: 1000, chargeId: 'ch_1', reason: 'employer' },
    };
    expect(() => postingOf(logged(broken))).toThrow(/fee 10 \+ net 80 = released 100/);
  });

  it('refuses an event without occurredAt', () => {
    const input = { ...logged(funded(100)), metadata: {} };
    expect(() => postingOf(input)).toThrow(/occurredAt/);
  });
});

describe('assertBalanced', () => {
  it.each([
    ['unbalanced', [debit('a', 100), credit('b', 99)], /balances/],
    ['two-sided entry', [{ account: 'a', debitCents: 5, creditCents: 5 }, credit('b', 0)], /debit or a credit/],
    ['negative amount', [debit('a', -5), credit('b', -5)], /non-negative/],
    ['fractional cents', [debit('a', 0.5), credit('b', 0.5)], /non-negative cents/],
    ['a single entry', [debit('a', 0)], /at least two/],
    ['an account twice', [debit('a', 5), credit('a', 5)], /each account once/],
  ])('throws on %s', (_, entries, message) => {
    expect(() => assertBalanced({ transactionId: 't', entries: entries as JournalEntry[] })).toThrow(message);
  });
});

describe('a whole lifecycle folded', () => {
  it('balances to zero, leaves escrow empty and the fee with the platform', () => {
    const log = [funded(15_000), approved(15_000, 1_500, 1000), paidOut(13_500)].map(logged);
    const balances = foldBalances(postingsOf(log));
    const shown = Object.fromEntries([...balances].map(([account, totals]) => [account, balanceCents(totals)]));
    expect(shown).toEqual({
      'platform:stripe_balance': 1_500,
      [`escrow:contract:${cid}`]: 0,
      [`trainer_payable:${tid}`]: 0,
      'platform:fee_revenue': -1_500,
    });
    expect(Object.values(shown).reduce((sum, cents) => sum + cents, 0)).toBe(0);
  });

  it('a split then its refund empties the escrow', () => {
    const log = [funded(20_000), resolved('split', 20_000, 12_000, 1_200), refunded(8_000), paidOut(10_800)].map(logged);
    const balances = foldBalances(postingsOf(log));
    expect(balanceCents(balances.get(`escrow:contract:${cid}`)!)).toBe(0);
    expect(balanceCents(balances.get('platform:stripe_balance')!)).toBe(1_200);
    expect(balanceCents(balances.get('platform:fee_revenue')!)).toBe(-1_200);
  });
});
