import { createHash } from 'node:crypto';
import { assert, assertNever, isContractEvent, Money, type ContractEvent, type Role } from '@escrow/domain';

/** Notifications go to the contract's parties; staff read the contract itself. */
export interface Recipient {
  readonly role: Extract<Role, 'employer' | 'trainer'>;
  readonly id: string;
}

export type NotificationType =
  | 'milestone_approval_requested'
  | 'milestone_funded'
  | 'milestone_funding_failed'
  | 'milestone_payout_completed'
  | 'milestone_disputed'
  | 'milestone_dispute_resolved'
  | 'milestone_refunded'
  | 'milestone_funding_action_required'
  | 'milestone_chargeback_opened'
  | 'milestone_chargeback_closed';

export interface Notification {
  /** Derived from the event id and the recipient, so a rebuild reproduces it (and its read mark). */
  readonly id: string;
  readonly recipient: Recipient;
  readonly type: NotificationType;
  readonly title: string;
  readonly message: string;
  readonly contractId: string;
  readonly milestoneId: string;
  readonly eventId: string;
  readonly createdAt: string;
  readonly position: string;
}

/** What the texts and recipients need that the event itself does not carry. */
export interface NotificationContext {
  readonly employerId: string;
  readonly trainerId: string;
  readonly projectName: string;
  readonly milestoneName: string;
}

/** Events that only feed the lookup tables (parties, milestone names). */
export const notificationLookupEventTypes = ['ContractCreated', 'MilestoneCreated'] as const satisfies readonly ContractEvent['type'][];

/** Events that notify someone. */
export const notifyingEventTypes = [
  'MilestoneApprovalRequested',
  'MilestoneFunded',
  'MilestoneFundingFailed',
  'MilestonePayoutCompleted',
  'MilestoneDisputed',
  'MilestoneDisputeResolved',
  'MilestoneRefunded',
  'MilestoneFundingPending',
  'MilestoneChargebackOpened',
  'MilestoneChargebackClosed',
] as const satisfies readonly ContractEvent['type'][];

export type NotificationLookupEvent = Extract<ContractEvent, { type: (typeof notificationLookupEventTypes)[number] }>;
export type NotifyingEvent = Extract<ContractEvent, { type: (typeof notifyingEventTypes)[number] }>;

export interface SourceEvent<E extends ContractEvent = ContractEvent> {
  readonly event: E;
  readonly eventId: string;
  readonly occurredAt: string;
  readonly position: string;
}

interface Draft {
  readonly to: Recipient;
  readonly type: NotificationType;
  readonly title: string;
  readonly message: string;
}

/** Pure: an event and what is known about its contract → the notifications it sends (maybe none). */
export function notificationsFor(source: SourceEvent<NotifyingEvent>, context: NotificationContext): Notification[] {
  const { event, eventId, occurredAt, position } = source;
  return drafts(event, context).map(({ to, type, title, message }) => ({
    id: notificationId(eventId, to),
    recipient: to,
    type,
    title,
    message,
    contractId: event.data.contractId,
    milestoneId: event.data.milestoneId,
    eventId,
    createdAt: occurredAt,
    position,
  }));
}

function drafts(event: NotifyingEvent, c: NotificationContext): Draft[] {
  const employer: Recipient = { role: 'employer', id: c.employerId };
  const trainer: Recipient = { role: 'trainer', id: c.trainerId };
  const what = `"${c.milestoneName}" on ${c.projectName}`;
  const name = c.milestoneName;
  switch (event.type) {
    case 'MilestoneApprovalRequested': {
      const note = event.data.note ? ` Note: ${event.data.note}` : '';
      const message = `The trainer marked ${what} complete and asks for your approval.${note}`;
      return [{ to: employer, type: 'milestone_approval_requested', title: `Approval requested: ${name}`, message }];
    }
    case 'MilestoneFunded': {
      const message = `${usd(event.data.amount.amountCents)} for ${what} is held in escrow. You can start work.`;
      return [{ to: trainer, type: 'milestone_funded', title: `Milestone funded: ${name}`, message }];
    }
    case 'MilestoneFundingFailed': {
      const message = `The charge for ${what} failed: ${event.data.reason}. The milestone is pending again; check your payment method and fund it again.`;
      return [{ to: employer, type: 'milestone_funding_failed', title: `Funding failed: ${name}`, message }];
    }
    case 'MilestonePayoutCompleted': {
      const { amount, transferId } = event.data;
      const message = `${usd(amount.amountCents)} for ${what} was transferred to your payout account (transfer ${transferId}).`;
      return [{ to: trainer, type: 'milestone_payout_completed', title: `Payout sent: ${name}`, message }];
    }
    case 'MilestoneDisputed': {
      // The party who disputed knows already; a chargeback (disputed by the service) concerns both.
      const { disputedBy, reason } = event.data;
      const recipients = disputedBy === 'employer' ? [trainer] : disputedBy === 'trainer' ? [employer] : [employer, trainer];
      const by = disputedBy === 'employer' || disputedBy === 'trainer' ? `the ${disputedBy}` : 'the payment provider (chargeback)';
      const message = `${what} was disputed by ${by}: ${reason}. Support reviews it if you cannot settle it.`;
      return recipients.map((to) => ({ to, type: 'milestone_disputed', title: `Milestone disputed: ${name}`, message }));
    }
    case 'MilestoneDisputeResolved': {
      const message = `Support resolved the dispute on ${what}: ${resolutionText(event)}`;
      return [employer, trainer].map((to) => ({ to, type: 'milestone_dispute_resolved', title: `Dispute resolved: ${name}`, message }));
    }
    case 'MilestoneRefunded': {
      const { amount, refundId } = event.data;
      const message = `${usd(amount.amountCents)} for ${what} was refunded to your payment method (refund ${refundId}).`;
      return [{ to: employer, type: 'milestone_refunded', title: `Refund issued: ${name}`, message }];
    }
    case 'MilestoneFundingPending': {
      // A bank debit just takes time; only 3-D Secure needs the employer.
      if (event.data.nextStep !== 'requires_action') return [];
      const message = `Your bank asks you to confirm the payment for ${what}. Confirm it to fund the milestone.`;
      return [{ to: employer, type: 'milestone_funding_action_required', title: `Confirm your payment: ${name}`, message }];
    }
    case 'MilestoneChargebackOpened': {
      const message = `A chargeback of ${usd(event.data.amount.amountCents)} was opened on the payment for ${what}: ${event.data.reason}. The bank decides it.`;
      return [employer, trainer].map((to) => ({ to, type: 'milestone_chargeback_opened', title: `Chargeback opened: ${name}`, message }));
    }
    case 'MilestoneChargebackClosed': {
      const { outcome, amount } = event.data;
      const result = outcome === 'won' ? 'the payment stands' : `${usd(amount.amountCents)} was returned to the employer by the bank`;
      const message = `The chargeback on ${what} was ${outcome}: ${result}.`;
      return [employer, trainer].map((to) => ({ to, type: 'milestone_chargeback_closed', title: `Chargeback ${outcome}: ${name}`, message }));
    }
    default:
      return assertNever(event, 'notifying event');
  }
}

function resolutionText(event: Extract<NotifyingEvent, { type: 'MilestoneDisputeResolved' }>): string {
  const { resolution, trainerAmount, refundAmount } = event.data;
  switch (resolution) {
    case 'release':
      return `${usd(trainerAmount.amountCents)} is released to the trainer.`;
    case 'refund':
      return `${usd(refundAmount.amountCents)} is refunded to the employer.`;
    case 'split':
      return `${usd(trainerAmount.amountCents)} is released to the trainer and ${usd(refundAmount.amountCents)} refunded to the employer.`;
    default:
      return assertNever(resolution, 'dispute resolution');
  }
}

const usd = (cents: number) => `${Money.format(cents)} USD`;

/** 128 bits of a hash of (event, recipient): stable across rebuilds, unique per recipient. */
export function notificationId(eventId: string, recipient: Recipient): string {
  assert(eventId.length > 0, 'a notification comes from an identified event');
  const digest = createHash('sha256').update(`${eventId}\n${recipient.role}\n${recipient.id}`).digest('hex');
  return `ntf_${digest.slice(0, 32)}`;
}

export type NotificationSource =
  | { readonly kind: 'lookup'; readonly source: SourceEvent<NotificationLookupEvent> }
  | { readonly kind: 'notify'; readonly source: SourceEvent<NotifyingEvent> };

/** The log's event as this read model sees it, or null when it concerns no one here. */
export function toNotificationSource(recorded: {
  eventId: string;
  type: string;
  data: unknown;
  metadata: Readonly<Record<string, unknown>>;
  position: string;
}): NotificationSource | null {
  const event = { type: recorded.type, data: recorded.data } as ContractEvent;
  if (!isContractEvent(event)) return null;
  const lookup = (notificationLookupEventTypes as readonly string[]).includes(event.type);
  const notify = (notifyingEventTypes as readonly string[]).includes(event.type);
  if (!lookup && !notify) return null;
  const occurredAt = recorded.metadata.occurredAt;
  assert(typeof occurredAt === 'string', `event at ${recorded.position} has occurredAt`);
  const base = { eventId: recorded.eventId, occurredAt, position: recorded.position };
  return lookup
    ? { kind: 'lookup', source: { ...base, event: event as NotificationLookupEvent } }
    : { kind: 'notify', source: { ...base, event: event as NotifyingEvent } };
}
