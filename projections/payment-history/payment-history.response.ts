import { Money } from '@escrow/domain';
import type { PaymentEntry, PaymentHistory, RefundEntry } from './payment-history.evolve';

/** The public shape of GET /v1/contracts/:cid/payments: money as decimal strings. */
export function paymentHistoryResponse(history: PaymentHistory) {
  return {
    contractId: history.contractId,
    projectName: history.projectName,
    currency: 'USD',
    payments: history.payments.map(paymentResponse),
    refunds: history.refunds.map(refundResponse),
    position: history.position,
  };
}

function paymentResponse(p: PaymentEntry) {
  return {
    milestoneId: p.milestoneId,
    milestoneName: p.milestoneName,
    status: p.status,
    amount: Money.format(p.amountCents),
    fee: Money.format(p.feeCents),
    net: Money.format(p.netCents),
    feeBps: p.feeBps,
    currency: 'USD',
    resolution: p.resolution,
    approvedAt: p.approvedAt,
    paidAt: p.paidAt,
    transferId: p.transferId,
    chargeId: p.chargeId,
  };
}

function refundResponse(r: RefundEntry) {
  return {
    milestoneId: r.milestoneId,
    milestoneName: r.milestoneName,
    amount: Money.format(r.amountCents),
    currency: 'USD',
    refundId: r.refundId,
    chargeId: r.chargeId,
    refundedAt: r.refundedAt,
  };
}
