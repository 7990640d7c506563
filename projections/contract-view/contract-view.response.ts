import { Money } from '@escrow/domain';
import type { ContractView, MilestoneView } from './contract-view.model';

/** The public shape of GET /v1/contracts/:cid: money as decimal strings. */
export function contractResponse(view: ContractView) {
  return {
    contractId: view.contractId,
    projectName: view.projectName,
    employerId: view.employerId,
    trainerId: view.trainerId,
    status: view.status,
    milestones: view.milestones.map(milestoneResponse),
    createdAt: view.createdAt,
    updatedAt: view.updatedAt,
    position: view.position,
  };
}

function milestoneResponse(m: MilestoneView) {
  const { amountCents, feeCents, netCents, refundPendingCents, refundedCents, chargebacks, ...rest } = m;
  return {
    ...rest,
    chargebacks: chargebacks.map(({ amountCents: cents, ...chargeback }) => ({ ...chargeback, amount: Money.format(cents) })),
    refundPending: Money.format(refundPendingCents),
    refunded: Money.format(refundedCents),
    amount: Money.format(amountCents),
    fee: feeCents === null ? null : Money.format(feeCents),
    net: netCents === null ? null : Money.format(netCents),
    currency: 'USD',
  };
}
