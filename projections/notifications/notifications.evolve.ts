import { createHash } from 'node:crypto';
import {
  assert,
  assertNever,
  isRecordOfType,
  Money,
  readDomainEvent,
  typesUsedFor,
  type DomainEventOfType,
  type DomainEventRecord,
  type EventTypeUses,
  type Role,
  type StoredEvent,
  type TypesUsedFor,
} from '@escrow/domain';

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
  | 'milestone_chargeback_closed'
  | 'milestone_auto_release_reminder'
  | 'milestone_auto_approved';

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

/**
 * What this read model does with each event type of the catalog: 'lookup' feeds the lookup tables
 * (parties, milestone names), 'notify' notifies someone (`drafts` is exhaustive over those).
 * tsc refuses the table until a new type is given one of them or 'ignored'.
 */
export const notificationEventUses = {
  ContractCreated: 'lookup',
  MilestoneCreated: 'lookup',
  MilestoneFundingRequested: 'ignored',
  MilestoneFunded: 'notify',
  MilestoneFundingPending: 'notify',
  MilestoneFundingFailed: 'notify',
  MilestoneApprovalRequested: 'notify',
  // Only an auto-release notifies: an employer who approved knows it, the payout tells the trainer.
  MilestoneApproved: 'notify',
  MilestoneAutoReleaseReminderSent: 'notify',
  MilestonePayoutCompleted: 'notify',
  MilestonePayoutFailed: 'ignored',
  MilestoneDisputed: 'notify',
  MilestoneChargebackOpened: 'notify',
  MilestoneChargebackClosed: 'notify',
  MilestoneDisputeResolved: 'notify',
  MilestoneRefunded: 'notify',
  MilestoneCancelled: 'ignored',
  ContractArchived: 'ignored',
  // Support's notes are internal: the parties are not notified of them.
  MilestoneSupportNoteAdded: 'ignored',
  EmployerCustomerCreated: 'ignored',
  EmployerAccountTypeSet: 'ignored',
  EmployerSubscriptionStarted: 'ignored',
  EmployerSubscriptionUpdated: 'ignored',
  EmployerSubscriptionCanceled: 'ignored',
  EmployerPaymentMethodAttached: 'ignored',
  TrainerPayoutAccountConnected: 'ignored',
  TrainerPayoutAccountUpdated: 'ignored',
} as const satisfies EventTypeUses<'lookup' | 'notify'>;

/** Events that only feed the lookup tables (parties, milestone names). */
export const notificationLookupEventTypes = typesUsedFor(notificationEventUses, 'lookup');
/** Events that notify someone. */
export const notifyingEventTypes = typesUsedFor(notificationEventUses, 'notify');
/** Every event this read model reads. */
const notificationEventTypes: ReadonlySet<TypesUsedFor<typeof notificationEventUses, 'lookup' | 'notify'>> = new Set([
  ...notificationLookupEventTypes,
  ...notifyingEventTypes,
]);

export type NotificationLookupEvent = DomainEventOfType<TypesUsedFor<typeof notificationEventUses, 'lookup'>>;
export type NotifyingEvent = DomainEventOfType<TypesUsedFor<typeof notificationEventUses, 'notify'>>;

/** What the texts need of a read event (a `DomainEventRecord` of that type fits). */
export type SourceEvent<E extends NotificationLookupEvent | NotifyingEvent = NotificationLookupEvent | NotifyingEvent> = Pick<
  DomainEventRecord<E>,
  'event' | 'eventId' | 'occurredAt' | 'position'
>;

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
    case 'MilestoneAutoReleaseReminderSent': {
      const { daysBefore, releaseAt } = event.data;
      const days = daysBefore === 1 ? '1 day' : `${daysBefore} days`;
      const message = `${what} waits for your approval. Unless you approve it or open a dispute, it is approved automatically in ${days} (${releaseAt}) and the trainer is paid.`;
      return [{ to: employer, type: 'milestone_auto_release_reminder', title: `Approved automatically in ${days}: ${name}`, message }];
    }
    case 'MilestoneApproved': {
      if (event.data.reason !== 'auto_release') return [];
      const message = `${what} was approved automatically: the request for approval went unanswered. ${usd(event.data.net.amountCents)} goes to the trainer.`;
      return [employer, trainer].map((to) => ({ to, type: 'milestone_auto_approved', title: `Approved automatically: ${name}`, message }));
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
export function toNotificationSource(recorded: StoredEvent): NotificationSource | null {
  const record = readDomainEvent(recorded, notificationEventTypes);
  if (record === null) return null;
  return isRecordOfType(record, notificationLookupEventTypes) ? { kind: 'lookup', source: record } : { kind: 'notify', source: record };
}
