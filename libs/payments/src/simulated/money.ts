import { assert } from '@escrow/domain';
import type { SqlExecutor } from '@escrow/sql';
import {
  PaymentProviderRefused,
  PaymentRequestRejected,
  type ChargeOutcome,
  type ChargeRequest,
  type TransferOutcome,
  type TransferRequest,
} from '../payment-gateway';
import { stripeLikeId } from './ids';
import type { Applied } from './idempotency';
import { testPaymentMethods } from './test-payment-methods';

/** A positive number of cents that survives a round trip through a JS number. */
export function assertAmountCents(amountCents: number, what: string): void {
  assert(Number.isSafeInteger(amountCents), `${what} amountCents is an integer`);
  assert(amountCents > 0, `${what} amountCents is positive`);
}

/** bigint columns are selected as text (pg and PGlite return int8 differently). */
export function centsFromText(text: string): number {
  const cents = Number(text);
  assert(Number.isSafeInteger(cents), `a stored amount is a safe integer: ${text}`);
  return cents;
}

/** Creates a payment intent and, unless the test payment method declines, its charge. */
export async function applyCharge(tx: SqlExecutor, request: ChargeRequest): Promise<Applied<ChargeOutcome>> {
  await assertPaymentMethodOf(tx, request.customerId, request.paymentMethodId);
  const decline = testPaymentMethods.get(request.paymentMethodId);
  assert(decline !== undefined, 'an attached payment method is a known test payment method');
  const paymentIntentId = stripeLikeId('pi');
  const chargeId = decline ? null : stripeLikeId('ch');
  await tx.query(
    `insert into simgw_payment_intents (payment_intent_id, charge_id, customer_id, payment_method_id, amount_cents,
       currency, status, decline_code, transfer_group, metadata)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb)`,
    [
      paymentIntentId,
      chargeId,
      request.customerId,
      request.paymentMethodId,
      request.amountCents,
      request.currency,
      chargeId ? 'succeeded' : 'requires_payment_method',
      decline?.declineCode ?? null,
      request.transferGroup,
      JSON.stringify(request.metadata),
    ],
  );
  // A decline is an outcome Stripe keeps under the key too: the same key will not charge again.
  if (decline) return { outcome: { status: 'declined', paymentIntentId, ...decline }, keep: true };
  assert(chargeId !== null, 'a successful charge has an id');
  return { outcome: { status: 'succeeded', paymentIntentId, chargeId }, keep: true };
}

/** Stripe answers 400 (resource_missing) for an unknown customer or a method not attached to it. */
async function assertPaymentMethodOf(tx: SqlExecutor, customerId: string, paymentMethodId: string): Promise<void> {
  const customer = await tx.query('select 1 from simgw_customers where customer_id = $1', [customerId]);
  if (customer.rows.length === 0) throw new PaymentRequestRejected('customerId', `No such customer: '${customerId}'`);
  const attached = await tx.query('select 1 from simgw_payment_methods where customer_id = $1 and payment_method_id = $2', [
    customerId,
    paymentMethodId,
  ]);
  if (attached.rows.length === 0) {
    throw new PaymentRequestRejected(
      'paymentMethodId',
      `The PaymentMethod '${paymentMethodId}' is not attached to the customer '${customerId}'`,
    );
  }
}

/**
 * Moves money to a payout account out of a succeeded charge. A refused transfer moved nothing,
 * so it is not kept: a retry under the same key (say, once the trainer finished onboarding) may
 * still succeed, and it cannot pay twice because only a kept outcome moved money.
 */
export async function applyTransfer(tx: SqlExecutor, request: TransferRequest): Promise<Applied<TransferOutcome>> {
  const refusal = await transferRefusal(tx, request);
  if (refusal !== null) return { outcome: { status: 'failed', reason: refusal }, keep: false };
  const transferId = stripeLikeId('tr');
  await tx.query(
    `insert into simgw_transfers (transfer_id, amount_cents, currency, destination_account_id, source_charge_id,
       transfer_group, metadata)
     values ($1, $2, $3, $4, $5, $6, $7::jsonb)`,
    [
      transferId,
      request.amountCents,
      request.currency,
      request.destinationAccountId,
      request.sourceChargeId,
      request.transferGroup,
      JSON.stringify(request.metadata),
    ],
  );
  return { outcome: { status: 'succeeded', transferId }, keep: true };
}

/**
 * Why the provider refuses this transfer for the state of the money (null: it may go ahead). A
 * destination or a source charge the provider does not know means the request itself is wrong,
 * as Stripe's `resource_missing`: thrown, never a failed outcome.
 */
async function transferRefusal(tx: SqlExecutor, request: TransferRequest): Promise<string | null> {
  const accounts = await tx.query<{ payouts_enabled: boolean }>(
    'select payouts_enabled from simgw_accounts where account_id = $1',
    [request.destinationAccountId],
  );
  const account = accounts.rows[0];
  if (!account) throw unknownInTransfer(`No such destination: '${request.destinationAccountId}'`, 'destination');
  if (!account.payouts_enabled) return `The destination account '${request.destinationAccountId}' cannot receive transfers yet`;
  const remaining = await remainingOnCharge(tx, request.sourceChargeId);
  if (remaining === null) throw unknownInTransfer(`No such charge: '${request.sourceChargeId}'`, 'source_transaction');
  if (request.amountCents > remaining) {
    return `Transfer of ${request.amountCents} cents exceeds the ${remaining} cents left on charge '${request.sourceChargeId}'`;
  }
  return null;
}

function unknownInTransfer(message: string, param: string): PaymentProviderRefused {
  return new PaymentProviderRefused('transfer', message, 'resource_missing', {
    status: 400,
    type: 'invalid_request_error',
    code: 'resource_missing',
    param,
    requestId: null,
  });
}

/**
 * Cents of a succeeded charge that are neither transferred nor refunded; null when there is no
 * such charge. Transfers and refunds draw on the same escrow, so each one counts the other.
 */
export async function remainingOnCharge(tx: SqlExecutor, chargeId: string): Promise<number | null> {
  // Locks the charge's row: concurrent transfers and refunds of one charge are counted one after another.
  const charges = await tx.query<{ amount_cents: string }>(
    `select amount_cents::text as amount_cents from simgw_payment_intents
     where charge_id = $1 and status = 'succeeded' for update`,
    [chargeId],
  );
  const charge = charges.rows[0];
  if (!charge) return null;
  const transferred = await sumOf(
    tx,
    'select coalesce(sum(amount_cents), 0)::text as total from simgw_transfers where source_charge_id = $1',
    chargeId,
  );
  const refunded = await sumOf(
    tx,
    'select coalesce(sum(amount_cents), 0)::text as total from simgw_refunds where charge_id = $1',
    chargeId,
  );
  const remaining = centsFromText(charge.amount_cents) - transferred - refunded;
  assert(remaining >= 0, `charge '${chargeId}' is not transferred and refunded beyond its amount`);
  return remaining;
}

async function sumOf(tx: SqlExecutor, sql: string, chargeId: string): Promise<number> {
  const { rows } = await tx.query<{ total: string }>(sql, [chargeId]);
  const row = rows[0];
  assert(row !== undefined, 'a sum returns one row');
  return centsFromText(row.total);
}
