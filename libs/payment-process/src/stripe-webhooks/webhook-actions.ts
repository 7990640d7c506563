import type Stripe from 'stripe';
import type { Actor, ContractCommand, EmployerCommand, TrainerCommand } from '@escrow/domain';
import { PaymentGatewayError, payoutsEnabled, subscriptionOf } from '@escrow/payments';

export const webhookActor: Actor = { role: 'service', id: 'stripe-webhooks' };

/** Which milestone a payment belongs to: we stamp it on every PaymentIntent we create. */
export interface PaymentOwner {
  readonly contractId: string;
  readonly milestoneId: string;
}

/** What one verified Stripe event asks of the ledger. */
export type WebhookAction =
  | { readonly kind: 'contract'; readonly contractId: string; readonly command: ContractCommand }
  | { readonly kind: 'trainer'; readonly trainerId: string; readonly command: TrainerCommand }
  | { readonly kind: 'employer'; readonly employerId: string; readonly command: EmployerCommand }
  /** Stripe refunded money on a charge of ours: the ledger must know of (or expect) all of it. */
  | { readonly kind: 'refund_check'; readonly owner: PaymentOwner; readonly chargeId: string; readonly amountRefundedCents: number }
  /** Nothing to record: the reason is kept with the event for whoever replays it. */
  | { readonly kind: 'ignore'; readonly reason: string }
  /** Money moved in a way the ledger did not ask for: support must look (listed with stuck payments). */
  | { readonly kind: 'attention'; readonly reason: string };

export interface WebhookLookups {
  /** The owner of a PaymentIntent, for events (disputes) that do not carry our metadata. */
  paymentOwner(paymentIntentId: string): Promise<PaymentOwner | null>;
}

/**
 * Maps a Stripe event to the command that records it. Every command here is idempotent in the
 * domain (the same outcome twice is no event), which is what makes duplicate and out-of-order
 * deliveries harmless, including the webhook that confirms what the saga already recorded.
 */
export async function webhookAction(event: Stripe.Event, lookups: WebhookLookups): Promise<WebhookAction> {
  switch (event.type) {
    case 'payment_intent.succeeded': {
      const intent = event.data.object;
      const owner = ownerFromMetadata(intent.metadata);
      if (!owner) return notOurs(intent.id);
      const chargeId = idOf(intent.latest_charge);
      if (!chargeId) return { kind: 'attention', reason: `payment intent ${intent.id} succeeded without a charge` };
      return contract(owner, { type: 'RecordFunded', actor: webhookActor, data: { ...owner, paymentIntentId: intent.id, chargeId, amountCents: intent.amount } });
    }
    case 'payment_intent.payment_failed': {
      const intent = event.data.object;
      const owner = ownerFromMetadata(intent.metadata);
      if (!owner) return notOurs(intent.id);
      const error = intent.last_payment_error;
      const reason = error?.message ?? 'the payment failed';
      const declineCode = error?.decline_code ?? error?.code ?? null;
      return contract(owner, { type: 'RecordFundingFailed', actor: webhookActor, data: { ...owner, reason, declineCode, paymentIntentId: intent.id } });
    }
    case 'payment_intent.processing':
    case 'payment_intent.requires_action': {
      const intent = event.data.object;
      const owner = ownerFromMetadata(intent.metadata);
      if (!owner) return notOurs(intent.id);
      const nextStep = event.type === 'payment_intent.processing' ? 'processing' : 'requires_action';
      return contract(owner, { type: 'RecordFundingPending', actor: webhookActor, data: { ...owner, paymentIntentId: intent.id, nextStep } });
    }
    case 'charge.dispute.created': {
      const dispute = event.data.object;
      const owner = await ownerOfDispute(dispute, lookups);
      if (!owner) return { kind: 'attention', reason: `chargeback ${dispute.id} on charge ${idOf(dispute.charge)} belongs to no milestone we know` };
      return contract(owner, {
        type: 'RecordChargebackOpened',
        actor: webhookActor,
        data: { ...owner, disputeId: dispute.id, chargeId: idOf(dispute.charge) ?? '', amountCents: dispute.amount, reason: dispute.reason },
      });
    }
    case 'charge.dispute.closed': {
      const dispute = event.data.object;
      const owner = await ownerOfDispute(dispute, lookups);
      if (!owner) return { kind: 'attention', reason: `chargeback ${dispute.id} closed on a charge of no milestone we know` };
      // `warning_closed` (an inquiry) took no money; only `lost` did.
      const outcome = dispute.status === 'lost' ? 'lost' : 'won';
      return contract(owner, { type: 'RecordChargebackClosed', actor: webhookActor, data: { ...owner, disputeId: dispute.id, outcome } });
    }
    case 'account.updated': {
      const account = event.data.object;
      const trainerId = account.metadata?.trainerId;
      if (!trainerId) return { kind: 'ignore', reason: `account ${account.id} is not a trainer's` };
      return {
        kind: 'trainer',
        trainerId,
        command: { type: 'RecordPayoutAccountStatus', actor: webhookActor, data: { trainerId, accountId: account.id, payoutsEnabled: payoutsEnabled(account) } },
      };
    }
    case 'customer.subscription.updated':
      return subscriptionUpdate(event.data.object, event.created);
    case 'customer.subscription.deleted':
      return subscriptionEnded(event.data.object, event.created);
    case 'charge.refunded': {
      // Our refunds are recorded from the refund call's own answer; this checks none came from elsewhere.
      const charge = event.data.object;
      const owner = ownerFromMetadata(charge.metadata);
      if (!owner) return { kind: 'ignore', reason: `charge ${charge.id} carries no milestone of ours` };
      return { kind: 'refund_check', owner, chargeId: charge.id, amountRefundedCents: charge.amount_refunded };
    }
    case 'transfer.reversed': {
      const transfer = event.data.object;
      return { kind: 'attention', reason: `transfer ${transfer.id} to ${idOf(transfer.destination)} was reversed (${transfer.amount_reversed} cents): the trainer's payout needs a decision` };
    }
    default:
      return { kind: 'ignore', reason: `${event.type} is not used by the ledger` };
  }
}

/**
 * The subscription as the event saw it, at the event's time (not its delivery's): the domain
 * drops what is older than what it applied, as Stripe does not deliver in order.
 */
function subscriptionUpdate(subscription: Stripe.Subscription, createdSeconds: number): WebhookAction {
  const employerId = subscription.metadata?.employerId;
  if (!employerId) return notAgencyPlan(subscription.id);
  let reported;
  try {
    reported = subscriptionOf(subscription, `customer.subscription.updated ${subscription.id}`);
  } catch (error) {
    // A shape this version cannot read: retrying will not change it, so support looks.
    if (error instanceof PaymentGatewayError) return { kind: 'attention', reason: error.message };
    throw error;
  }
  const data = { employerId, ...reported, providerEventAt: isoOf(createdSeconds) };
  return { kind: 'employer', employerId, command: { type: 'RecordSubscriptionUpdate', actor: webhookActor, data } };
}

function subscriptionEnded(subscription: Stripe.Subscription, createdSeconds: number): WebhookAction {
  const employerId = subscription.metadata?.employerId;
  if (!employerId) return notAgencyPlan(subscription.id);
  const canceledAt = isoOf(subscription.canceled_at ?? subscription.ended_at ?? createdSeconds);
  return {
    kind: 'employer',
    employerId,
    command: { type: 'RecordSubscriptionCanceled', actor: webhookActor, data: { employerId, subscriptionId: subscription.id, canceledAt } },
  };
}

function notAgencyPlan(subscriptionId: string): WebhookAction {
  return { kind: 'ignore', reason: `subscription ${subscriptionId} names no employer of ours (no metadata.employerId)` };
}

function isoOf(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString();
}

function contract(owner: PaymentOwner, command: ContractCommand): WebhookAction {
  return { kind: 'contract', contractId: owner.contractId, command };
}

function notOurs(paymentIntentId: string): WebhookAction {
  return { kind: 'ignore', reason: `payment intent ${paymentIntentId} carries no milestone of ours` };
}

function ownerFromMetadata(metadata: Stripe.Metadata | null | undefined): PaymentOwner | null {
  const contractId = metadata?.contractId;
  const milestoneId = metadata?.milestoneId;
  return contractId && milestoneId ? { contractId, milestoneId } : null;
}

async function ownerOfDispute(dispute: Stripe.Dispute, lookups: WebhookLookups): Promise<PaymentOwner | null> {
  const paymentIntentId = idOf(dispute.payment_intent);
  return paymentIntentId ? lookups.paymentOwner(paymentIntentId) : null;
}

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === 'string' ? value : value.id;
}
