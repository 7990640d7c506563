import { assert } from '@escrow/domain';
import type { SqlDb, SqlExecutor } from '@escrow/sql';
import {
  PaymentRequestRejected,
  type ChargeOutcome,
  type ChargeRequest,
  type Metadata,
  type PaymentGateway,
  type PaymentMethodRequest,
  type PayoutAccount,
  type PayoutAccountRequest,
  type RefundOutcome,
  type RefundRequest,
  type SetupIntent,
  type SetupIntentRequest,
  type CanceledSubscription,
  type Subscription,
  type SubscriptionCancelRequest,
  type SubscriptionRequest,
  type TransferOutcome,
  type TransferRequest,
} from '../payment-gateway';
import type {
  MovementKind,
  ProviderCharge,
  ProviderMovement,
  ProviderMovements,
  ProviderRefund,
  ProviderTransfer,
  ReconciliationPeriod,
} from '../reconciliation/provider-movements';
import { FaultPlan, type FaultKind, type SimulatedFault } from './faults';
import { stripeLikeId } from './ids';
import { actedCount, runOnce } from './idempotency';
import { applyCharge, applyTransfer, assertAmountCents, centsFromText } from './money';
import { applyRefund } from './refunds';
import { testPaymentMethods } from './test-payment-methods';

export type { SimulatedFault } from './faults';

/** Obviously not Stripe's: the simulated provider has no onboarding to do. */
export const simulatedOnboardingBaseUrl = 'https://connect.simulated.local/onboarding/';

export interface SimulatedCharge {
  readonly paymentIntentId: string;
  readonly chargeId: string;
  readonly amountCents: number;
  readonly customerId: string;
  readonly transferGroup: string;
  readonly metadata: Metadata;
}

export interface SimulatedTransfer {
  readonly transferId: string;
  readonly amountCents: number;
  readonly destinationAccountId: string;
  readonly sourceChargeId: string;
  readonly transferGroup: string;
  readonly metadata: Metadata;
}

export interface SimulatedRefund {
  readonly refundId: string;
  readonly chargeId: string;
  readonly amountCents: number;
  readonly metadata: Metadata;
}

/**
 * The embedded default payment provider: behaves like Stripe's test mode for what the ledger
 * needs, and keeps its whole state (customers, accounts, charges, transfers, refunds, idempotency keys)
 * in the database, so a process restart forgets nothing.
 */
export class SimulatedPaymentGateway implements PaymentGateway {
  readonly name = 'simulated';
  private readonly faults = new FaultPlan();

  private constructor(private readonly db: SqlDb) {}

  static async open(db: SqlDb): Promise<SimulatedPaymentGateway> {
    return new SimulatedPaymentGateway(db);
  }

  async attachPaymentMethod(request: PaymentMethodRequest): Promise<{ customerId: string; paymentMethodId: string }> {
    const { paymentMethodId, employerId } = request;
    if (!testPaymentMethods.has(paymentMethodId)) {
      throw new PaymentRequestRejected('paymentMethodId', `No such PaymentMethod: '${paymentMethodId}'`);
    }
    return runOnce(this.db, 'attach', request.idempotencyKey, { employerId, paymentMethodId }, async (tx) => {
      const customerId = await customerOf(tx, employerId);
      await tx.query(
        'insert into simgw_payment_methods (customer_id, payment_method_id) values ($1, $2) on conflict do nothing',
        [customerId, paymentMethodId],
      );
      return { outcome: { customerId, paymentMethodId }, keep: true };
    });
  }

  async createSetupIntent(request: SetupIntentRequest): Promise<SetupIntent> {
    const { employerId } = request;
    return runOnce(this.db, 'setup_intent', request.idempotencyKey, { employerId }, async (tx) => {
      const customerId = await customerOf(tx, employerId);
      const setupIntentId = stripeLikeId('seti');
      // Nothing collects card details here: the simulated provider only knows its test methods.
      return { outcome: { customerId, setupIntentId, clientSecret: `${setupIntentId}_secret_${stripeLikeId('sim')}` }, keep: true };
    });
  }

  async createPayoutAccount(request: PayoutAccountRequest): Promise<PayoutAccount> {
    const { trainerId, country } = request;
    // The key is bound to the trainer only, as before countries were taken (stored keys stay valid);
    // the trainer's one account keeps the country it was opened in, whatever a later call asks.
    const opened = await runOnce(this.db, 'account', request.idempotencyKey, { trainerId }, async (tx) => {
      const accountId = await accountOf(tx, trainerId, country);
      // Payouts are enabled at once; the URL is there for callers that show an onboarding link.
      const outcome = { accountId, payoutsEnabled: true, onboardingUrl: `${simulatedOnboardingBaseUrl}${accountId}` };
      return { outcome, keep: true };
    });
    const { rows } = await this.db.query<{ country: string }>('select country from simgw_accounts where account_id = $1', [opened.accountId]);
    assert(rows[0] !== undefined, `simulated account ${opened.accountId} exists`);
    const account: PayoutAccount = { accountId: opened.accountId, country: rows[0].country, payoutsEnabled: opened.payoutsEnabled, onboardingUrl: opened.onboardingUrl };
    return account;
  }

  async createSubscription(request: SubscriptionRequest): Promise<Subscription> {
    const { idempotencyKey, ...params } = request;
    if (!testPaymentMethods.has(request.paymentMethodId)) {
      throw new PaymentRequestRejected('paymentMethodId', `No such PaymentMethod: '${request.paymentMethodId}'`);
    }
    return runOnce(this.db, 'subscription', idempotencyKey, params, async (tx) => {
      const known = await tx.query('select 1 from simgw_customers where customer_id = $1', [request.customerId]);
      if (known.rows.length === 0) throw new PaymentRequestRejected('customerId', `No such customer: '${request.customerId}'`);
      const subscriptionId = stripeLikeId('sub');
      const latestInvoiceId = stripeLikeId('in');
      // Test-mode billing: the first invoice is paid at once and the period runs a month.
      const periodEnd = new Date();
      periodEnd.setUTCMonth(periodEnd.getUTCMonth() + 1);
      const currentPeriodEnd = new Date(Math.floor(periodEnd.getTime() / 1000) * 1000).toISOString();
      await tx.query(
        `insert into simgw_subscriptions (subscription_id, customer_id, payment_method_id, price_id, plan_id, status, current_period_end, latest_invoice_id)
         values ($1, $2, $3, $4, $5, 'active', $6, $7)`,
        [subscriptionId, request.customerId, request.paymentMethodId, request.priceId, request.planId, currentPeriodEnd, latestInvoiceId],
      );
      const outcome: Subscription = { subscriptionId, status: 'active', currentPeriodEnd, latestInvoiceId };
      return { outcome, keep: true };
    });
  }

  async cancelSubscription(request: SubscriptionCancelRequest): Promise<CanceledSubscription> {
    const { idempotencyKey, subscriptionId } = request;
    return runOnce(this.db, 'subscription_cancel', idempotencyKey, { subscriptionId }, async (tx) => {
      // The first cancel's time stays: canceling again (under another key) changes nothing.
      const { rows } = await tx.query<{ canceled_at: Date | string | null }>(
        `update simgw_subscriptions set status = 'canceled', canceled_at = coalesce(canceled_at, date_trunc('second', now()))
         where subscription_id = $1 returning canceled_at`,
        [subscriptionId],
      );
      const row = rows[0];
      if (row === undefined) throw new PaymentRequestRejected('subscriptionId', `No such subscription: '${subscriptionId}'`);
      assert(row.canceled_at !== null, `simulated subscription ${subscriptionId} has its cancel time`);
      const outcome: CanceledSubscription = { subscriptionId, status: 'canceled', canceledAt: new Date(row.canceled_at).toISOString() };
      return { outcome, keep: true };
    });
  }

  /** How many subscriptions a customer has (tests: a retried request never subscribes twice). */
  async subscriptionCount(customerId: string): Promise<number> {
    const { rows } = await this.db.query<{ n: string }>('select count(*) as n from simgw_subscriptions where customer_id = $1', [customerId]);
    return Number(rows[0]?.n ?? 0);
  }

  async charge(request: ChargeRequest): Promise<ChargeOutcome> {
    assertAmountCents(request.amountCents, 'charge');
    const { idempotencyKey, ...params } = request;
    return this.throughNetwork('charge', () => runOnce(this.db, 'charge', idempotencyKey, params, (tx) => applyCharge(tx, request)));
  }

  async transfer(request: TransferRequest): Promise<TransferOutcome> {
    assertAmountCents(request.amountCents, 'transfer');
    const { idempotencyKey, ...params } = request;
    return this.throughNetwork('transfer', () =>
      runOnce(this.db, 'transfer', idempotencyKey, params, (tx) => applyTransfer(tx, request)),
    );
  }

  async refund(request: RefundRequest): Promise<RefundOutcome> {
    assertAmountCents(request.amountCents, 'refund');
    const { idempotencyKey, ...params } = request;
    return this.throughNetwork('refund', () => runOnce(this.db, 'refund', idempotencyKey, params, (tx) => applyRefund(tx, request)));
  }

  async findCharge(request: ChargeRequest): Promise<ChargeOutcome | null> {
    return this.storedOutcome<ChargeOutcome>('charge', request.idempotencyKey);
  }

  async findTransfer(request: TransferRequest): Promise<TransferOutcome | null> {
    const { rows } = await this.db.query<{ transfer_id: string }>(
      `select transfer_id from simgw_transfers where transfer_group = $1 and metadata->>'milestoneId' = $2
       order by simgw_transfers.sequence limit 1`,
      [request.transferGroup, request.metadata.milestoneId],
    );
    return rows[0] ? { status: 'succeeded', transferId: rows[0].transfer_id } : null;
  }

  async findRefund(request: RefundRequest): Promise<RefundOutcome | null> {
    return this.storedOutcome<RefundOutcome>('refund', request.idempotencyKey);
  }

  /** The simulated provider never forgets a key, so its memory of keys is the lookup. */
  private async storedOutcome<T>(kind: 'charge' | 'refund', key: string): Promise<T | null> {
    const { rows } = await this.db.query<{ outcome: T | null }>(
      'select outcome from simgw_idempotency where kind = $1 and idempotency_key = $2',
      [kind, key],
    );
    return rows[0]?.outcome ?? null;
  }

  async paymentMetadata(paymentIntentId: string): Promise<Metadata | null> {
    const { rows } = await this.db.query<{ metadata: Metadata }>('select metadata from simgw_payment_intents where payment_intent_id = $1', [
      paymentIntentId,
    ]);
    return rows[0]?.metadata ?? null;
  }

  async listMovements(period: ReconciliationPeriod): Promise<ProviderMovements> {
    const createdIn = (table: string) => `${table}.created_at >= $1 and ${table}.created_at < $2`;
    const bounds = [period.from.toISOString(), period.to.toISOString()];
    return {
      charges: await this.selectCharges(createdIn('pi'), bounds),
      transfers: await this.selectTransfers(createdIn('simgw_transfers'), bounds),
      refunds: await this.selectRefunds(createdIn('r'), bounds),
    };
  }

  async retrieveMovement<K extends MovementKind>(kind: K, id: string): Promise<ProviderMovement<K> | null> {
    const found: readonly (ProviderCharge | ProviderTransfer | ProviderRefund)[] =
      kind === 'charge'
        ? await this.selectCharges('pi.charge_id = $1', [id])
        : kind === 'transfer'
          ? await this.selectTransfers('transfer_id = $1', [id])
          : await this.selectRefunds('r.refund_id = $1', [id]);
    return (found[0] as ProviderMovement<K> | undefined) ?? null;
  }

  /** Declined payments have no charge here (Stripe keeps a failed one): only charges that exist are listed. */
  private async selectCharges(where: string, params: unknown[]): Promise<ProviderCharge[]> {
    const { rows } = await this.db.query<{
      charge_id: string; payment_intent_id: string; amount_cents: string; refunded_cents: string;
      transfer_group: string; metadata: Metadata; created_at: Date | string;
    }>(
      `select pi.charge_id, pi.payment_intent_id, pi.amount_cents::text as amount_cents, pi.transfer_group, pi.metadata, pi.created_at,
              coalesce((select sum(r.amount_cents) from simgw_refunds r where r.charge_id = pi.charge_id), 0)::text as refunded_cents
       from simgw_payment_intents pi where pi.charge_id is not null and ${where} order by pi.sequence`,
      params,
    );
    return rows.map((row) => ({
      id: row.charge_id,
      paymentIntentId: row.payment_intent_id,
      amountCents: centsFromText(row.amount_cents),
      amountRefundedCents: centsFromText(row.refunded_cents),
      status: 'succeeded',
      transferGroup: row.transfer_group,
      metadata: { ...row.metadata },
      created: new Date(row.created_at),
    }));
  }

  private async selectTransfers(where: string, params: unknown[]): Promise<ProviderTransfer[]> {
    const { rows } = await this.db.query<{
      transfer_id: string; amount_cents: string; destination_account_id: string; source_charge_id: string;
      transfer_group: string; metadata: Metadata; created_at: Date | string;
    }>(
      `select transfer_id, amount_cents::text as amount_cents, destination_account_id, source_charge_id, transfer_group, metadata, created_at
       from simgw_transfers where ${where} order by sequence`,
      params,
    );
    return rows.map((row) => ({
      id: row.transfer_id,
      amountCents: centsFromText(row.amount_cents),
      amountReversedCents: 0, // the simulated provider never reverses a transfer
      destination: row.destination_account_id,
      sourceChargeId: row.source_charge_id,
      transferGroup: row.transfer_group,
      metadata: { ...row.metadata },
      created: new Date(row.created_at),
    }));
  }

  private async selectRefunds(where: string, params: unknown[]): Promise<ProviderRefund[]> {
    const { rows } = await this.db.query<{
      refund_id: string; charge_id: string; payment_intent_id: string; amount_cents: string; metadata: Metadata; created_at: Date | string;
    }>(
      `select r.refund_id, r.charge_id, pi.payment_intent_id, r.amount_cents::text as amount_cents, r.metadata, r.created_at
       from simgw_refunds r join simgw_payment_intents pi on pi.charge_id = r.charge_id where ${where} order by r.sequence`,
      params,
    );
    return rows.map((row) => ({
      id: row.refund_id,
      chargeId: row.charge_id,
      paymentIntentId: row.payment_intent_id,
      amountCents: centsFromText(row.amount_cents),
      status: 'succeeded', // refused refunds are not stored
      metadata: { ...row.metadata },
      created: new Date(row.created_at),
    }));
  }

  /** Test hook: the next `times` calls of `kind` fail like a lost connection, before or after acting. */
  injectFault(fault: SimulatedFault): void {
    this.faults.add(fault);
  }

  /** Money that moved (succeeded charges, transfers and refunds, oldest first): for tests and reconciliation. */
  async movements(): Promise<{ charges: SimulatedCharge[]; transfers: SimulatedTransfer[]; refunds: SimulatedRefund[] }> {
    return { charges: await this.succeededCharges(), transfers: await this.transfers(), refunds: await this.refunds() };
  }

  /** Calls that acted, not counting idempotent replays, refused requests or injected failures before acting. */
  async callCount(kind: 'charge' | 'transfer' | 'refund'): Promise<number> {
    return actedCount(this.db, kind);
  }

  /** The provider is reached over a network that the test hook may break on either side. */
  private async throughNetwork<T>(kind: FaultKind, call: () => Promise<T>): Promise<T> {
    this.faults.trip(kind, 'before_apply');
    const outcome = await call();
    this.faults.trip(kind, 'after_apply');
    return outcome;
  }

  private async succeededCharges(): Promise<SimulatedCharge[]> {
    const { rows } = await this.db.query<{
      payment_intent_id: string;
      charge_id: string;
      amount_cents: string;
      customer_id: string;
      transfer_group: string;
      metadata: Metadata;
    }>(
      `select payment_intent_id, charge_id, amount_cents::text as amount_cents, customer_id, transfer_group, metadata
       from simgw_payment_intents where status = 'succeeded' order by simgw_payment_intents.sequence`,
    );
    return rows.map((row) => ({
      paymentIntentId: row.payment_intent_id,
      chargeId: row.charge_id,
      amountCents: centsFromText(row.amount_cents),
      customerId: row.customer_id,
      transferGroup: row.transfer_group,
      metadata: row.metadata,
    }));
  }

  private async transfers(): Promise<SimulatedTransfer[]> {
    const { rows } = await this.db.query<{
      transfer_id: string;
      amount_cents: string;
      destination_account_id: string;
      source_charge_id: string;
      transfer_group: string;
      metadata: Metadata;
    }>(
      `select transfer_id, amount_cents::text as amount_cents, destination_account_id, source_charge_id, transfer_group, metadata
       from simgw_transfers order by simgw_transfers.sequence`,
    );
    return rows.map((row) => ({
      transferId: row.transfer_id,
      amountCents: centsFromText(row.amount_cents),
      destinationAccountId: row.destination_account_id,
      sourceChargeId: row.source_charge_id,
      transferGroup: row.transfer_group,
      metadata: row.metadata,
    }));
  }

  private async refunds(): Promise<SimulatedRefund[]> {
    const { rows } = await this.db.query<{ refund_id: string; charge_id: string; amount_cents: string; metadata: Metadata }>(
      `select refund_id, charge_id, amount_cents::text as amount_cents, metadata
       from simgw_refunds order by simgw_refunds.sequence`,
    );
    return rows.map((row) => ({
      refundId: row.refund_id,
      chargeId: row.charge_id,
      amountCents: centsFromText(row.amount_cents),
      metadata: row.metadata,
    }));
  }
}

/** One customer per employer, created on first use; a concurrent creator's row wins the race. */
async function customerOf(tx: SqlExecutor, employerId: string): Promise<string> {
  await tx.query('insert into simgw_customers (customer_id, employer_id) values ($1, $2) on conflict (employer_id) do nothing', [
    stripeLikeId('cus'),
    employerId,
  ]);
  const { rows } = await tx.query<{ customer_id: string }>('select customer_id from simgw_customers where employer_id = $1', [
    employerId,
  ]);
  const row = rows[0];
  assert(row !== undefined, 'the employer has a customer after inserting one');
  return row.customer_id;
}

/** One payout account per trainer, created on first use, with payouts enabled at once. */
async function accountOf(tx: SqlExecutor, trainerId: string, country: string): Promise<string> {
  await tx.query(
    `insert into simgw_accounts (account_id, trainer_id, payouts_enabled, country) values ($1, $2, true, $3)
     on conflict (trainer_id) do nothing`,
    [stripeLikeId('acct'), trainerId, country],
  );
  const { rows } = await tx.query<{ account_id: string }>('select account_id from simgw_accounts where trainer_id = $1', [trainerId]);
  const row = rows[0];
  assert(row !== undefined, 'the trainer has a payout account after inserting one');
  return row.account_id;
}
