import { invalidRequest, noSuchParam, notFound } from '../errors';
import { newId } from '../ids';
import { fieldEquals, listPage } from '../list';
import { dollars } from '../money';
import { buildTransfer, buildTransferReversal, type TransferReversalObject } from '../objects/transfer';
import { ok, pathParam, type Route, type RouteContext } from '../router';
import { mustGet, type StripeState } from '../state';

function checkDestination(state: StripeState, destination: string): void {
  const account = state.accounts.get(destination);
  if (account === undefined) throw noSuchParam('destination', destination, 'destination');
  if (account.capabilities['transfers'] !== 'active') {
    throw invalidRequest('Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments',
      'destination', 'insufficient_capabilities_for_transfer');
  }
}

/** A transfer funded by a charge may not move more than that charge brought in (summed over its transfers). */
function checkSourceTransaction(state: StripeState, chargeId: string, amount: number): void {
  const charge = state.charges.get(chargeId);
  if (charge === undefined) throw noSuchParam('charge', chargeId, 'source_transaction');
  if (charge.status !== 'succeeded') {
    throw invalidRequest(`The source_transaction ${chargeId} has status ${charge.status}; only a succeeded charge can fund a transfer.`, 'source_transaction');
  }
  let alreadyTransferred = 0;
  for (const transfer of state.transfers.values()) {
    if (transfer.source_transaction === chargeId) alreadyTransferred += transfer.amount;
  }
  const remaining = charge.amount - alreadyTransferred;
  if (amount > remaining) {
    throw invalidRequest(`Insufficient funds: the transfer amount (${dollars(amount)}) exceeds what remains of source_transaction ${chargeId} (${dollars(remaining)}).`,
      'amount', 'insufficient_funds');
  }
}

function createTransfer({ state, params }: RouteContext) {
  const amount = params.int('amount');
  const currency = params.string('currency').toLowerCase();
  const destination = params.string('destination');
  checkDestination(state, destination);
  const sourceTransaction = params.optString('source_transaction');
  if (sourceTransaction !== null) checkSourceTransaction(state, sourceTransaction, amount);
  const transfer = buildTransfer({ id: newId('tr'), created: state.nowSeconds(), amount, currency, destination,
    destinationPayment: newId('py'), balanceTransaction: newId('txn'), description: params.optString('description'),
    sourceTransaction, transferGroup: params.optString('transfer_group'), metadata: params.metadata() });
  state.transfers.set(transfer.id, transfer);
  state.emit('transfer.created', transfer);
  return transfer;
}

/** Pulls money back from the connected account (what Stripe does for a reversal via API or dashboard). */
export function reverseTransfer(state: StripeState, transferId: string, amount: number | null,
  metadata: Record<string, string>): TransferReversalObject {
  const transfer = state.transfers.get(transferId);
  if (transfer === undefined) throw noSuchParam('transfer', transferId, 'id');
  const remaining = transfer.amount - transfer.amount_reversed;
  const reversing = amount ?? remaining;
  if (reversing < 1 || reversing > remaining) {
    throw invalidRequest(`Reversal amount (${dollars(reversing)}) must be between $0.01 and the unreversed amount of transfer ${transferId} (${dollars(remaining)}).`, 'amount');
  }
  const reversal = buildTransferReversal({ id: newId('trr'), created: state.nowSeconds(), amount: reversing,
    currency: String(transfer['currency']), transfer: transferId, balanceTransaction: newId('txn'), metadata });
  state.reversals.set(reversal.id, reversal);
  const previous = { amount_reversed: transfer.amount_reversed, reversed: transfer.reversed };
  transfer.amount_reversed += reversing;
  transfer.reversed = transfer.amount_reversed === transfer.amount;
  transfer.reversals.data.unshift(reversal);
  transfer.reversals.has_more = false;
  state.emit('transfer.reversed', transfer, previous);
  return reversal;
}

export const transferRoutes: Route[] = [
  { route: 'POST /v1/transfers', handle: (context) => ok(createTransfer(context)) },
  {
    route: 'GET /v1/transfers',
    handle: ({ state, params }) => ok(listPage(state.transfers.values(), params, '/v1/transfers',
      fieldEquals(params, 'transfer_group', 'destination'))),
  },
  {
    route: 'GET /v1/transfers/:id',
    handle: (context) => ok(mustGet(context.state.transfers, pathParam(context), 'transfer')),
  },
  {
    route: 'POST /v1/transfers/:id/reversals',
    handle: (context) => ok(reverseTransfer(context.state, pathParam(context), context.params.optInt('amount'),
      context.params.metadata())),
  },
  {
    route: 'GET /v1/transfers/:id/reversals',
    handle(context) {
      const transfer = mustGet(context.state.transfers, pathParam(context), 'transfer');
      const url = `/v1/transfers/${transfer.id}/reversals`;
      return ok(listPage(context.state.reversals.values(), context.params, url, (item) => item.transfer === transfer.id));
    },
  },
  {
    route: 'GET /v1/transfers/:id/reversals/:reversal',
    handle(context) {
      const reversal = context.state.reversals.get(pathParam(context, 1));
      if (reversal === undefined || reversal.transfer !== pathParam(context)) throw notFound('transfer_reversal', pathParam(context, 1));
      return ok(reversal);
    },
  },
];
