import type { JsonObject } from '../types';
import { listObject, type ListObject } from './common';

export interface TransferReversalObject extends JsonObject {
  id: string;
  object: 'transfer_reversal';
  amount: number;
  created: number;
  transfer: string;
}

export interface TransferObject extends JsonObject {
  id: string;
  object: 'transfer';
  amount: number;
  amount_reversed: number;
  created: number;
  currency: string;
  destination: string;
  metadata: Record<string, string>;
  reversals: ListObject<TransferReversalObject>;
  reversed: boolean;
  source_transaction: string | null;
  transfer_group: string | null;
}

export function buildTransfer(input: { id: string; created: number; amount: number; currency: string;
  destination: string; destinationPayment: string; balanceTransaction: string; description: string | null;
  sourceTransaction: string | null; transferGroup: string | null; metadata: Record<string, string> }): TransferObject {
  return {
    amount: input.amount, amount_reversed: 0, balance_transaction: input.balanceTransaction, created: input.created,
    currency: input.currency, description: input.description, destination: input.destination,
    destination_payment: input.destinationPayment, id: input.id, livemode: false, metadata: input.metadata,
    object: 'transfer', reversals: listObject([], `/v1/transfers/${input.id}/reversals`), reversed: false,
    source_transaction: input.sourceTransaction, source_type: 'card', transfer_group: input.transferGroup,
  };
}

export function buildTransferReversal(input: { id: string; created: number; amount: number; currency: string;
  transfer: string; balanceTransaction: string; metadata: Record<string, string> }): TransferReversalObject {
  return {
    amount: input.amount, balance_transaction: input.balanceTransaction, created: input.created,
    currency: input.currency, destination_payment_refund: null, id: input.id, metadata: input.metadata,
    object: 'transfer_reversal', source_refund: null, transfer: input.transfer,
  };
}
