import { deciderSpec } from '../testing/decider-spec';
import {
  AMOUNT,
  archive,
  archived,
  by,
  contractWith,
  disputeResolved,
  employer,
  finance,
  M1,
  M2,
  milestoneAfter,
  milestoneAt,
  payoutCompleted as payoutCompletedOf,
  recordPayoutCompleted,
  recordRefunded as recordRefundedOf,
  refunded as refundedOf,
  resolveDispute,
  service,
  support,
  trainer,
} from '../testing/contract-fixtures';
import type { ContractEvent, DisputeResolution } from './events';
import { contractDecider } from './index';

/**
 * Dispute resolution and refunds, rule by rule. The status matrix and the actor tables for
 * ResolveDispute and RecordRefunded live in decide.unit.spec.ts; this file pins each rule's
 * exact events and where the milestone goes afterwards.
 */
const contract = deciderSpec(contractDecider);

/** A contract whose milestones were each funded with AMOUNT and then disputed by the employer. */
const disputedContract = (...milestoneIds: string[]): ContractEvent[] =>
  contractWith(...milestoneIds.map((id) => milestoneAt.disputed(id)));

interface Split {
  readonly trainer: number;
  readonly refund: number;
  readonly fee: number;
  readonly net: number;
  readonly feeBps?: number;
}

// This file states amounts first: its rules are about how the escrow is split.
const resolved = (resolution: DisputeResolution, split: Split, milestoneId = M1): ContractEvent =>
  disputeResolved(resolution, milestoneId, split);

// The three resolutions of a 150.00 escrow at a 10 % fee.
const released = resolved('release', { trainer: AMOUNT, refund: 0, fee: 1_500, net: 13_500 });
const refundedInFull = resolved('refund', { trainer: 0, refund: AMOUNT, fee: 0, net: 0 });
const split60 = resolved('split', { trainer: 6_000, refund: 9_000, fee: 600, net: 5_400 });

const refunded = (amountCents: number, refundId = 're_1', milestoneId = M1) => refundedOf(milestoneId, amountCents, refundId);
const payoutCompleted = (amountCents: number, milestoneId = M1) => payoutCompletedOf(milestoneId, amountCents);

const resolve = (resolution: DisputeResolution, data: Parameters<typeof resolveDispute>[0] = {}) => resolveDispute({ resolution, ...data });
const recordRefunded = (amountCents: number, refundId = 're_1', milestoneId = M1) => recordRefundedOf({ milestoneId, refundId, amountCents });
const recordPayout = (amountCents: number) => recordPayoutCompleted({ amountCents });

// ---------------------------------------------------------------------------------------------
// Resolutions
// ---------------------------------------------------------------------------------------------

describe('dispute resolution: release', () => {
  it('releases the whole escrow to the trainer, less the fee, with the charge and the note', () => {
    contract.given(disputedContract(M1)).when(resolve('release')).then([released]);
  });

  it('works from a dispute raised while approval was pending, too', () => {
    const history = disputedContract(M1).map((event) =>
      event.type === 'MilestoneDisputed' ? { ...event, data: { ...event.data, previousStatus: 'pending_approval' as const } } : event,
    );
    contract.given(history).when(resolve('release')).then([released]);
  });

  it('moves the milestone to approved, owing the net, with no refund pending', () => {
    expect(milestoneAfter([...disputedContract(M1), released])).toMatchObject({ status: 'approved', netCents: 13_500, refundPendingCents: 0 });
  });

  it('then the payout of the net completes the milestone: paid', () => {
    const history = [...disputedContract(M1), released];
    contract.given(history).when(recordPayout(13_500)).then([payoutCompleted(13_500)]);
    expect(milestoneAfter([...history, payoutCompleted(13_500)])).toMatchObject({ status: 'paid', refundPendingCents: 0 });
  });

  it('then a payout of the whole escrow instead of the net is a conflict', () => {
    contract.given([...disputedContract(M1), released]).when(recordPayout(AMOUNT)).thenThrows('conflict', 'the trainer is owed 13500');
  });

  it('then nothing can be refunded', () => {
    contract
      .given([...disputedContract(M1), released])
      .when(recordRefunded(1))
      .thenThrows('conflict', 'refunded 1 cents, 0 are due back to the employer');
  });
});

describe('dispute resolution: refund', () => {
  it('sends the whole escrow back to the employer: nothing released, no fee', () => {
    contract.given(disputedContract(M1)).when(resolve('refund')).then([refundedInFull]);
  });

  it('leaves the milestone disputed with the whole escrow pending refund', () => {
    expect(milestoneAfter([...disputedContract(M1), refundedInFull])).toMatchObject({
      status: 'disputed',
      netCents: null,
      refundPendingCents: AMOUNT,
    });
  });

  it('then the refund is recorded with its id and the charge it went through', () => {
    contract.given([...disputedContract(M1), refundedInFull]).when(recordRefunded(AMOUNT, 're_42')).then([refunded(AMOUNT, 're_42')]);
  });

  it('then the refund of the whole escrow brings the milestone to refunded', () => {
    expect(milestoneAfter([...disputedContract(M1), refundedInFull, refunded(AMOUNT)])).toMatchObject({
      status: 'refunded',
      refundPendingCents: 0,
    });
  });

  it('stays disputed after a partial refund; the last refund brings it to refunded', () => {
    const history = [...disputedContract(M1), refundedInFull, refunded(5_000, 're_1')];
    expect(milestoneAfter(history)).toMatchObject({ status: 'disputed', refundPendingCents: 10_000 });
    contract.given(history).when(recordRefunded(10_000, 're_2')).then([refunded(10_000, 're_2')]);
    expect(milestoneAfter([...history, refunded(10_000, 're_2')])).toMatchObject({ status: 'refunded', refundPendingCents: 0 });
  });

  it('is not paid out: the milestone is not approved', () => {
    contract.given([...disputedContract(M1), refundedInFull]).when(recordPayout(13_500)).thenThrows('conflict', 'its status is disputed (');
  });

  it('a second resolution while the refund is pending is a conflict', () => {
    for (const resolution of ['release', 'refund', 'split'] as const) {
      contract
        .given([...disputedContract(M1), refundedInFull, refunded(5_000)])
        .when(resolve(resolution, { trainerAmountCents: resolution === 'split' ? 6_000 : null }))
        .thenThrows('conflict', `the dispute on milestone ${M1} is already resolved; its refund is pending`);
    }
  });

  it('a resolution after the refund is complete is a conflict: the milestone is refunded', () => {
    contract
      .given([...disputedContract(M1), refundedInFull, refunded(AMOUNT)])
      .when(resolve('release'))
      .thenThrows('conflict', 'its status is refunded (');
  });
});

describe('dispute resolution: split', () => {
  it('releases the given part to the trainer (less the fee on that part) and refunds the rest', () => {
    contract.given(disputedContract(M1)).when(resolve('split', { trainerAmountCents: 6_000 })).then([split60]);
  });

  // fee = released × bps / 10 000, rounded half-even to the cent; the escrow's rest is refunded.
  it.each([
    { trainer: 250, feeBps: 100, fee: 2, net: 248, refund: 14_750 }, // 2.5 → 2 (to even)
    { trainer: 350, feeBps: 100, fee: 4, net: 346, refund: 14_650 }, // 3.5 → 4 (to even)
    { trainer: 12_345, feeBps: 1_000, fee: 1_234, net: 11_111, refund: 2_655 }, // 1234.5 → 1234
    { trainer: 12_355, feeBps: 1_000, fee: 1_236, net: 11_119, refund: 2_645 }, // 1235.5 → 1236
    { trainer: 1, feeBps: 1_000, fee: 0, net: 1, refund: 14_999 }, // 0.1 → 0
    { trainer: 14_999, feeBps: 0, fee: 0, net: 14_999, refund: 1 },
  ])('$trainer cents released at $feeBps bps: fee $fee, net $net, refund $refund', (split) => {
    contract
      .given(disputedContract(M1))
      .when(resolve('split', { trainerAmountCents: split.trainer, feeBps: split.feeBps }))
      .then([resolved('split', split)]);
  });

  it.each([
    { case: 'zero', trainerAmountCents: 0 },
    { case: 'the whole escrow', trainerAmountCents: AMOUNT },
    { case: 'more than the escrow', trainerAmountCents: AMOUNT + 1 },
    { case: 'missing', trainerAmountCents: null },
    { case: 'negative', trainerAmountCents: -1 },
    { case: 'a fraction of a cent', trainerAmountCents: 100.5 },
  ])('refuses a trainer amount that is $case, naming trainerAmount and the escrow', ({ trainerAmountCents }) => {
    contract
      .given(disputedContract(M1))
      .when(resolve('split', { trainerAmountCents }))
      .thenThrows('unprocessable', /^trainerAmount must be more than 0\.00 and less than the escrowed 150\.00 for a split$/);
  });

  it('moves the milestone to approved, owing the net of the released part, with the rest pending refund', () => {
    expect(milestoneAfter([...disputedContract(M1), split60])).toMatchObject({
      status: 'approved',
      netCents: 5_400,
      refundPendingCents: 9_000,
    });
  });

  it('the payout and the refund each take their part; then the milestone is paid with nothing pending', () => {
    const afterPayout = [...disputedContract(M1), split60, payoutCompleted(5_400)];
    contract.given([...disputedContract(M1), split60]).when(recordPayout(5_400)).then([payoutCompleted(5_400)]);
    contract.given(afterPayout).when(recordRefunded(9_000)).then([refunded(9_000)]);
    expect(milestoneAfter(afterPayout)).toMatchObject({ status: 'paid', refundPendingCents: 9_000 });
    expect(milestoneAfter([...afterPayout, refunded(9_000)])).toMatchObject({ status: 'paid', refundPendingCents: 0 });
  });

  it('the refund may come first: the milestone stays approved until the payout, then is paid', () => {
    const afterRefund = [...disputedContract(M1), split60, refunded(9_000)];
    expect(milestoneAfter(afterRefund)).toMatchObject({ status: 'approved', refundPendingCents: 0 });
    contract.given(afterRefund).when(recordPayout(5_400)).then([payoutCompleted(5_400)]);
    expect(milestoneAfter([...afterRefund, payoutCompleted(5_400)])).toMatchObject({ status: 'paid', refundPendingCents: 0 });
  });

  it('a second resolution after a split is a conflict: the milestone is no longer disputed', () => {
    contract.given([...disputedContract(M1), split60]).when(resolve('refund')).thenThrows('conflict', 'its status is approved (');
  });
});

// ---------------------------------------------------------------------------------------------
// Recording refunds
// ---------------------------------------------------------------------------------------------

describe('recording refunds', () => {
  const pending = [...disputedContract(M1), split60]; // 9,000 cents due back

  it.each([
    { case: 'more than is pending', amountCents: 9_001, due: 9_000 },
    { case: 'zero', amountCents: 0, due: 9_000 },
    { case: 'negative', amountCents: -100, due: 9_000 },
  ])('a refund of $case is a conflict, naming what is due', ({ amountCents, due }) => {
    contract
      .given(pending)
      .when(recordRefunded(amountCents))
      .thenThrows('conflict', `refunded ${amountCents} cents, ${due} are due back to the employer`);
  });

  it('counts earlier refunds: only what is still pending may be recorded', () => {
    contract
      .given([...pending, refunded(4_000, 're_1')])
      .when(recordRefunded(5_001, 're_2'))
      .thenThrows('conflict', 'refunded 5001 cents, 5000 are due back');
  });

  it('a refund on a milestone that no resolution sent back is a conflict', () => {
    contract.given(disputedContract(M1)).when(recordRefunded(AMOUNT)).thenThrows('conflict', `refunded ${AMOUNT} cents, 0 are due back`);
  });

  it('is per milestone', () => {
    contract
      .given([...disputedContract(M1, M2), refundedInFull])
      .when(recordRefunded(AMOUNT, 're_1', M2))
      .thenThrows('conflict', `refunded ${AMOUNT} cents, 0 are due back`);
  });

  it.each([employer, trainer, support, finance])('is forbidden to the $role: only the payment service records refunds', (actor) => {
    contract.given(pending).when(by(actor, recordRefunded(9_000))).thenThrows('forbidden', 'payment service');
  });
});

describe('resolving a dispute is for support only', () => {
  it.each([employer, trainer, service, finance])('is forbidden to the $role', (actor) => {
    contract.given(disputedContract(M1)).when(by(actor, resolve('release'))).thenThrows('forbidden', 'only support can resolve a dispute');
  });

  it('is forbidden before the status is even looked at', () => {
    contract.given([...disputedContract(M1), released]).when(by(employer, resolve('release'))).thenThrows('forbidden', 'only support');
  });
});

// ---------------------------------------------------------------------------------------------
// Archive
// ---------------------------------------------------------------------------------------------

describe('archive around refunds', () => {
  it('is refused while a refund resolution waits for its refund: the milestone is still disputed', () => {
    contract
      .given([...disputedContract(M1), refundedInFull, refunded(5_000)])
      .when(archive())
      .thenThrows('conflict', `cannot archive: milestone ${M1} is disputed;`);
  });

  it('is allowed once the milestone is refunded', () => {
    contract.given([...disputedContract(M1), refundedInFull, refunded(AMOUNT)]).when(archive()).then([archived()]);
  });

  it('is refused while a split is paid out but its refund is pending, naming the milestone', () => {
    contract
      .given([...disputedContract(M1), split60, payoutCompleted(5_400)])
      .when(archive())
      .thenThrows('conflict', `cannot archive: milestone ${M1} still has a refund pending`);
  });

  it('is allowed once the split is paid out and refunded', () => {
    contract.given([...disputedContract(M1), split60, payoutCompleted(5_400), refunded(9_000)]).when(archive()).then([archived()]);
  });

  it('is refused while any one milestone has a refund pending', () => {
    const m2Split = resolved('split', { trainer: 6_000, refund: 9_000, fee: 600, net: 5_400 }, M2);
    contract
      .given([
        ...disputedContract(M1, M2),
        refundedInFull,
        refunded(AMOUNT),
        m2Split,
        payoutCompleted(5_400, M2),
        refunded(8_999, 're_2', M2),
      ])
      .when(archive())
      .thenThrows('conflict', `cannot archive: milestone ${M2} still has a refund pending`);
  });
});
