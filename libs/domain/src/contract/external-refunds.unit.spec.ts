import {
  AMOUNT,
  archive,
  archived,
  contractAt,
  disputeResolved,
  employer,
  finance,
  M1,
  milestoneAfter,
  providerRefund as atProvider,
  recordExternalRefund as recordExternalRefundOf,
  refunded as refundedOf,
  service,
  trainer,
} from '../testing/contract-fixtures';
import { deciderSpec } from '../testing/decider-spec';
import type { RecordExternalRefund } from './commands';
import type { ContractEvent, DisputeResolution } from './events';
import { contractDecider } from './index';

/**
 * Support records a refund made at the payment provider outside the ledger (say, by hand in
 * Stripe's dashboard before the saga's own refund was refused) as the refund a dispute resolution
 * owes. The application looks the refund up at the provider; the domain decides whether it is
 * that money.
 */
const contract = deciderSpec(contractDecider);

/** The id support names: a refund made in the provider's dashboard, not by the saga. */
const REFUND = 're_dashboard';

const funded = () => contractAt('funded');
const disputed = () => contractAt('disputed');
/** Fee-free, so that the refund owed is exactly what the trainer is not released. */
const resolved = (resolution: DisputeResolution, trainerCents: number): ContractEvent =>
  disputeResolved(resolution, M1, { trainer: trainerCents, refund: AMOUNT - trainerCents, fee: 0, net: trainerCents, feeBps: 0 });
/** Resolved `refund`: the saga's refund was then refused by the provider, so none is recorded. */
const refundOwed: ContractEvent[] = [...disputed(), resolved('refund', 0)];
const refunded = (amountCents: number, refundId = REFUND) => refundedOf(M1, amountCents, refundId);
const recordExternalRefund = (data: Partial<RecordExternalRefund['data']> = {}) => recordExternalRefundOf({ refundId: REFUND, ...data });

describe('recording a refund made outside the ledger', () => {
  it('records the refund the resolution owes as MilestoneRefunded, with the provider refund id and the funding charge', () => {
    contract.given(refundOwed).when(recordExternalRefund()).then([refunded(AMOUNT)]);
  });

  it('leaves the milestone refunded, its escrow empty and nothing pending, so the contract can be archived', () => {
    const after = [...refundOwed, refunded(AMOUNT)];
    expect(milestoneAfter(after)).toMatchObject({ status: 'refunded', escrowCents: 0, refundPendingCents: 0, refundIds: [REFUND] });
    contract.given(after).when(archive()).then([archived()]);
  });

  it("settles a split's refunded part too; the released part still goes to the trainer", () => {
    const split = [...disputed(), resolved('split', 6_000)];
    contract.given(split).when(recordExternalRefund({ atProvider: atProvider({ amountCents: 9_000 }) })).then([refunded(9_000)]);
    expect(milestoneAfter([...split, refunded(9_000)])).toMatchObject({ status: 'approved', refundPendingCents: 0, escrowCents: 0 });
  });

  it('knows the refund by the funding payment intent when the provider names another charge id for it', () => {
    contract.given(refundOwed).when(recordExternalRefund({ atProvider: atProvider({ chargeId: 'ch_renamed' }) })).then([refunded(AMOUNT)]);
  });

  it('records nothing new when the same refund is named again', () => {
    contract.given([...refundOwed, refunded(AMOUNT)]).when(recordExternalRefund()).then([]);
  });
});

describe('refusing a refund that is not the money owed (422 naming externalRefund.refundId, nothing recorded)', () => {
  it('the provider has no such refund', () => {
    contract.given(refundOwed).when(recordExternalRefund({ atProvider: null })).thenThrows('unprocessable', /^externalRefund\.refundId: the payment provider has no refund re_dashboard$/);
  });

  it("a refund of another charge than the milestone's funding", () => {
    contract
      .given(refundOwed)
      .when(recordExternalRefund({ atProvider: atProvider({ chargeId: 'ch_other', paymentIntentId: 'pi_other' }) }))
      .thenThrows('unprocessable', /^externalRefund\.refundId: refund re_dashboard is of charge ch_other, not of milestone m_1's funding charge ch_m_1$/);
  });

  it.each(['pending', 'failed', 'canceled', 'requires_action'])('a refund that is %s at the provider', (status) => {
    contract
      .given(refundOwed)
      .when(recordExternalRefund({ atProvider: atProvider({ status }) }))
      .thenThrows('unprocessable', `externalRefund.refundId: refund re_dashboard is ${status} at the payment provider, not succeeded`);
  });

  it.each([
    { what: 'less', cents: 14_999, says: 'returned 149.99; the resolution refunds 150.00' },
    { what: 'more', cents: 15_001, says: 'returned 150.01; the resolution refunds 150.00' },
  ])('a refund of $what than the resolution refunds', ({ cents, says }) => {
    contract.given(refundOwed).when(recordExternalRefund({ atProvider: atProvider({ amountCents: cents }) })).thenThrows('unprocessable', says);
  });

  it('a split refunds only its refunded part: the whole charge is too much', () => {
    contract
      .given([...disputed(), resolved('split', 6_000)])
      .when(recordExternalRefund())
      .thenThrows('unprocessable', 'returned 150.00; the resolution refunds 90.00');
  });
});

describe('refusing when no refund is owed (409)', () => {
  it.each([
    { what: 'funded, never disputed', history: funded(), status: 'funded' },
    { what: 'disputed, not resolved yet', history: disputed(), status: 'disputed' },
    { what: 'resolved release', history: [...disputed(), resolved('release', AMOUNT)], status: 'approved' },
    { what: 'already refunded by another refund', history: [...refundOwed, refunded(AMOUNT, 're_saga')], status: 'refunded' },
  ])('$what', ({ history, status }) => {
    contract.given(history).when(recordExternalRefund()).thenThrows('conflict', `milestone m_1 has no refund pending (its status is ${status})`);
  });

  it('an unknown milestone is not found', () => {
    contract.given(refundOwed).when(recordExternalRefund({ milestoneId: 'm_other' })).thenThrows('not_found', 'milestone m_other does not exist');
  });
});

describe('only support records a refund made outside the ledger', () => {
  it.each([employer, trainer, service, finance])('the $role is forbidden', (actor) => {
    contract.given(refundOwed).when({ ...recordExternalRefund(), actor }).thenThrows('forbidden', 'only support');
  });
});
