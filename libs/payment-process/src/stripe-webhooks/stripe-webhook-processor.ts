import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError, domainEventOf } from '@escrow/domain';
import { PollLoop } from '@escrow/jobs';
import { StripeWebhookInbox, type InboxEvent, type PaymentGateway } from '@escrow/payments';
import { CommandHandling, PAYMENT_GATEWAY, SQL_DB, deterministicId, type CommandContext } from '@escrow/runtime';
import { backoffMs, type Backoff } from '@escrow/retry';
import type { SqlDb } from '@escrow/sql';
import { webhookAction, webhookActor, type WebhookAction } from './webhook-actions';

/** Wakes up without a notification too, for events whose retry time has come. */
export const webhookPollMs = 1_000;
const batchSize = 50;
const retryBackoff: Backoff = { baseMs: 1_000, capMs: 60 * 60_000, jitter: 'proportional' };
/** Past this many failures an event stays failed (listed as stuck) until support retries it. */
export const webhookAttemptsMax = 10;
const parkedForMs = 100 * 365 * 24 * 60 * 60_000;
const refundEventTypes = new Set(['MilestoneRefunded'] as const);

/**
 * Applies the verified Stripe events the API recorded in the inbox, oldest first. Each event's
 * command carries an event id derived from Stripe's event id, and the domain ignores an outcome
 * it already knows, so a redelivery or a crash between append and `markProcessed` records nothing twice.
 */
@Injectable()
export class StripeWebhookProcessor {
  private readonly logger = new Logger('StripeWebhooks');
  private readonly inbox: StripeWebhookInbox;
  private unlisten: (() => Promise<void>) | null = null;
  private loop: PollLoop | null = null;

  constructor(
    @Inject(SQL_DB) db: SqlDb,
    @Inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway,
    private readonly commands: CommandHandling,
  ) {
    this.inbox = new StripeWebhookInbox(db);
  }

  async start(onError: (error: unknown) => void): Promise<void> {
    // Listening before the first round: an event recorded meanwhile wakes the loop, not lost.
    this.unlisten = await this.inbox.onRecorded(() => this.loop?.wake());
    // A round drains everything due, so it idles after each; a failed round ends the loop and
    // the host starts the processor again.
    this.loop = PollLoop.start({
      idleMs: webhookPollMs,
      round: async () => {
        await this.drain();
        return false;
      },
      onError,
    });
  }

  async stop(): Promise<void> {
    await this.unlisten?.();
    this.unlisten = null;
    await this.loop?.stop();
    this.loop = null;
  }

  /** Processes everything due now; returns how many events it handled. For tests and the loop. */
  async drain(): Promise<number> {
    let handled = 0;
    for (;;) {
      const due = await this.inbox.due(batchSize);
      for (const event of due) await this.process(event);
      handled += due.length;
      if (due.length < batchSize) return handled;
    }
  }

  private async process(event: InboxEvent): Promise<void> {
    let action: WebhookAction;
    try {
      action = await webhookAction(event.payload, { paymentOwner: (id) => this.gateway.paymentMetadata(id) });
      if (action.kind === 'attention') {
        // Nothing to retry: it stays failed, listed as stuck, until support has looked.
        this.logger.warn({ msg: `${event.type} ${event.id}: ${action.reason}`, correlationId: correlationIdOf(event) });
        await this.inbox.markFailed(event.id, `needs attention: ${action.reason}`, new Date(Date.now() + parkedForMs));
        return;
      }
      const outcome = await this.apply(event, action);
      if (action.kind === 'ignore') await this.inbox.markIgnored(event.id, outcome);
      else await this.inbox.markProcessed(event.id, outcome);
    } catch (error) {
      if (error instanceof RefundOutsideLedger) {
        this.logger.warn({ msg: `${event.type} ${event.id}: ${error.message}`, correlationId: correlationIdOf(event) });
        await this.inbox.markFailed(event.id, `needs attention: ${error.message}`, new Date(Date.now() + parkedForMs));
        return;
      }
      await this.failed(event, error);
    }
  }

  private async apply(event: InboxEvent, action: Exclude<WebhookAction, { kind: 'attention' }>): Promise<string> {
    const context: CommandContext = {
      actor: webhookActor,
      correlationId: correlationIdOf(event),
      causationId: correlationIdOf(event),
      eventIds: [deterministicId(`stripe-event:${event.id}`)],
    };
    switch (action.kind) {
      case 'ignore':
        return action.reason;
      case 'contract': {
        const result = await this.commands.contract(action.contractId, action.command, context);
        return described(action.command.type, result.events.length, result.alreadyApplied);
      }
      case 'refund_check':
        return this.checkRefunds(action);
      case 'trainer': {
        const result = await this.commands.trainer(action.trainerId, action.command, context);
        return described(action.command.type, result.events.length, result.alreadyApplied);
      }
      case 'employer': {
        const result = await this.commands.employer(action.employerId, action.command, context);
        return described(action.command.type, result.events.length, result.alreadyApplied);
      }
    }
  }

  /**
   * Every refunded cent on a charge of ours must be one the ledger recorded or is about to (a
   * resolution's refund still pending); more means someone refunded outside the ledger.
   */
  private async checkRefunds(action: Extract<WebhookAction, { kind: 'refund_check' }>): Promise<string> {
    const { owner, chargeId, amountRefundedCents } = action;
    const { state, recorded } = await this.commands.loadContract(owner.contractId);
    const milestone = state.status === 'none' ? undefined : state.milestones[owner.milestoneId];
    const refunded = recorded
      .flatMap((stored) => domainEventOf(stored, refundEventTypes) ?? [])
      .filter((refund) => refund.data.milestoneId === owner.milestoneId)
      .reduce((sum, refund) => sum + refund.data.amount.amountCents, 0);
    const expected = refunded + (milestone?.refundPendingCents ?? 0);
    if (amountRefundedCents > expected) {
      throw new RefundOutsideLedger(`Stripe refunded ${amountRefundedCents} cents of charge ${chargeId}; the ledger recorded or expects ${expected}`);
    }
    return `refunds confirmed: ${amountRefundedCents} cents of charge ${chargeId}, as the ledger has them`;
  }

  /**
   * A refused or failed event is retried with backoff: most refusals are order effects (a dispute
   * closed before we saw it open) that resolve themselves. Past the limit it stays failed, listed
   * as stuck, until support retries it.
   */
  private async failed(event: InboxEvent, error: unknown): Promise<void> {
    const attempts = event.attempts + 1;
    const message = error instanceof DomainError ? `${error.kind}: ${error.message}` : error instanceof Error ? error.message : String(error);
    const delay = attempts >= webhookAttemptsMax ? parkedForMs : backoffMs(retryBackoff, attempts);
    this.logger.warn({ msg: `${event.type} ${event.id} failed (attempt ${attempts}): ${message}`, correlationId: correlationIdOf(event) });
    await this.inbox.markFailed(event.id, message, new Date(Date.now() + delay));
  }
}

/** Money left in a way the ledger did not ask for: listed as stuck for support, not retried. */
class RefundOutsideLedger extends Error {}

function described(commandType: string, appended: number, alreadyApplied: boolean): string {
  if (alreadyApplied) return `${commandType}: this event was applied before`;
  return appended === 0 ? `${commandType}: already recorded, nothing new` : `${commandType}: ${appended} event(s) appended`;
}

/** The correlation id of the events a Stripe event leads to, and of the log lines about it. */
function correlationIdOf(event: InboxEvent): string {
  return `stripe:${event.id}`;
}
