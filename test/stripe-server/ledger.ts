import type { StripeState } from './state';
import type { TestServerLedger } from './types';

/** The money this server really moved, in plain records for comparison with the project's ledger. */
export function buildLedger(state: StripeState): TestServerLedger {
  return {
    charges: [...state.charges.values()].map((charge) => ({
      id: charge.id, paymentIntentId: charge.payment_intent, amount: charge.amount,
      amountRefunded: charge.amount_refunded, status: charge.status, transferGroup: charge.transfer_group,
      metadata: { ...charge.metadata }, created: charge.created })),
    transfers: [...state.transfers.values()].map((transfer) => ({
      id: transfer.id, amount: transfer.amount, amountReversed: transfer.amount_reversed,
      destination: transfer.destination, sourceTransaction: transfer.source_transaction,
      transferGroup: transfer.transfer_group, metadata: { ...transfer.metadata }, created: transfer.created })),
    refunds: [...state.refunds.values()].map((refund) => ({
      id: refund.id, amount: refund.amount, charge: refund.charge, paymentIntent: refund.payment_intent,
      status: refund.status, metadata: { ...refund.metadata }, created: refund.created })),
  };
}
