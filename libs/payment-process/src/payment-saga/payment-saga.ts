import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  assert,
  assertNever,
  payoutDestination,
  readDomainEvent,
  streamPrefixesOf,
  typesUsedFor,
  type ContractEvent,
  type DomainEventOfType,
  type DomainEventRecord,
  type EventTypeUses,
  type MilestoneApproved,
  type MilestoneDisputeResolved,
  type MilestoneFundingRequested,
} from '@escrow/domain';
import { matchesFilter, type EventFilter, type RecordedEvent } from '@escrow/event-store';
import type { ChargeRequest, RefundRequest, TransferRequest } from '@escrow/payments';
import { DeferredCheckpoint, ensureCheckpointSchema, readCheckpoint, type LogFollower } from '@escrow/projector';
import { backoffMs } from '@escrow/retry';
import { CommandHandling, SQL_DB } from '@escrow/runtime';
import type { SqlDb } from '@escrow/sql';
import { EffectStore, type NewEffect } from './effects/effect-store';
import { EffectRunner } from './effects/effect-runner';
import { SagaOutcomes, payoutFailed, type OutcomeCause } from './saga-outcomes';
import type { SagaStore } from './saga-store';

export { fundingOutcome, sagaActor } from './saga-outcomes';

export const sagaCheckpointName = 'payment-saga';
/** The saga's checkpoint is written at most this often: one commit for many events under load. */
export const sagaCheckpointDelayMs = 100;
const logger = new Logger('PaymentSaga');
export const payoutRetryBaseMs = 1_000;
export const payoutRetryCapMs = 5 * 60_000;

type Data<E extends ContractEvent> = E['data'];
type RecordOf<T extends ContractEvent['type']> = DomainEventRecord<DomainEventOfType<T>>;

/**
 * What the saga does with each event type of the catalog: 'act' on it (a case in `handle`,
 * which is exhaustive over them) or 'ignored'. tsc refuses the table until a new type is decided.
 */
export const paymentSagaEventUses = {
  ContractCreated: 'ignored',
  MilestoneCreated: 'ignored',
  MilestoneFundingRequested: 'act',
  MilestoneFunded: 'ignored',
  MilestoneFundingPending: 'ignored',
  MilestoneFundingFailed: 'ignored',
  MilestoneApprovalRequested: 'ignored',
  MilestoneApproved: 'act',
  MilestoneAutoReleaseReminderSent: 'ignored',
  MilestonePayoutCompleted: 'act',
  MilestonePayoutFailed: 'act',
  MilestoneDisputed: 'ignored',
  MilestoneChargebackOpened: 'ignored',
  MilestoneChargebackClosed: 'act',
  MilestoneDisputeResolved: 'act',
  MilestoneRefunded: 'ignored',
  MilestoneCancelled: 'ignored',
  ContractArchived: 'ignored',
  MilestoneSupportNoteAdded: 'ignored',
  EmployerCustomerCreated: 'ignored',
  // Subscriptions are started by the employer's request, not by the saga.
  EmployerAccountTypeSet: 'ignored',
  EmployerSubscriptionStarted: 'ignored',
  EmployerSubscriptionUpdated: 'ignored',
  EmployerSubscriptionCanceled: 'ignored',
  EmployerPaymentMethodAttached: 'ignored',
  TrainerPayoutAccountConnected: 'act',
  TrainerPayoutAccountUpdated: 'act',
} as const satisfies EventTypeUses<'act'>;

export const paymentSagaEventTypes = typesUsedFor(paymentSagaEventUses, 'act');
/** The streams holding the types the saga acts on (contract and trainer streams today). */
export const paymentSagaStreamPrefixes = streamPrefixesOf(paymentSagaEventTypes);
const sagaFilter: EventFilter = { streamPrefixes: paymentSagaStreamPrefixes };
/** A gateway request as the saga persists it: the key is the effect's own. */
export type Unkeyed<R> = Omit<R, 'idempotencyKey'>;

/**
 * The payment process manager. Driven by a checkpointed subscription to the log (never by the
 * in-memory bus, which a crash empties): each money-moving step becomes a persisted effect with
 * an idempotency key derived from the triggering event, which the effect runner carries out,
 * retries and, when it must, gives up on visibly. The outcome is appended with a deterministic
 * event id, so neither a replay nor a crash moves money or records it twice.
 */
@Injectable()
export class PaymentSaga {
  readonly effects: EffectStore;
  private readonly checkpoint: DeferredCheckpoint;

  constructor(
    @Inject(SQL_DB) private readonly db: SqlDb,
    private readonly outcomes: SagaOutcomes,
    private readonly runner: EffectRunner,
    private readonly commands: CommandHandling,
  ) {
    this.effects = new EffectStore(db);
    // Replaying what was handled after the last write is safe: effects and outcomes are keyed by their cause.
    this.checkpoint = new DeferredCheckpoint(db, sagaCheckpointName, sagaCheckpointDelayMs, (error) =>
      logger.warn(`saga checkpoint not written (written with the next one): ${String(error)}`),
    );
  }

  get sagaStore(): SagaStore {
    return this.outcomes.sagaStore;
  }

  /** Starts running the queued payment calls; the events come through `follow` (the worker's shared reader). */
  async start(onError: (error: unknown) => void): Promise<void> {
    // The checkpoint table is ensured where the saga first reads it (resumePosition).
    await this.runner.start(onError);
    this.stopped = false;
  }

  /** Lets the batch in hand finish, then takes no more: later batches are handed again on the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.following;
    await this.checkpoint.flush();
    await this.runner.stop();
  }

  private stopped = true;
  private following: Promise<void> = Promise.resolve();

  /** The saga as a follower of the worker's one log reader (`ProjectionGroupRunner`). */
  readonly follower: LogFollower = {
    name: sagaCheckpointName,
    resumePosition: async () => {
      // A position handled but not yet written would otherwise be handled again (harmless, but work).
      await this.checkpoint.flush();
      await ensureCheckpointSchema(this.db);
      return readCheckpoint(this.db, sagaCheckpointName);
    },
    follow: (events) => {
      // Stopped (the worker shutting down, or restarting the saga): refused, so the reader hands
      // these events again once the saga runs, from where it stood.
      if (this.stopped) return Promise.reject(new Error('the payment saga is stopped'));
      const handling = this.handleAll(events);
      this.following = handling.catch(() => undefined);
      return handling;
    },
  };

  private async handleAll(events: readonly RecordedEvent[]): Promise<void> {
    for (const event of events) {
      if (matchesFilter(sagaFilter, event.streamId, event.type)) await this.handle(event);
    }
    // Past the whole batch, events it has nothing to do with included: a restart resumes after them.
    this.checkpoint.passed(events[events.length - 1]!.position);
  }

  private async handle(recorded: RecordedEvent): Promise<void> {
    const record = readDomainEvent(recorded, paymentSagaEventTypes);
    if (record === null) return;
    switch (record.type) {
      case 'MilestoneFundingRequested':
        await this.enqueue(chargeEffect(record));
        break;
      case 'MilestoneApproved': {
        const { contractId, milestoneId } = record.event.data;
        await this.payOut(contractId, milestoneId);
        break;
      }
      case 'MilestoneDisputeResolved': {
        const { data } = record.event;
        if (data.refundAmount.amountCents > 0) await this.enqueue(await this.refundEffect(record, data));
        if (data.trainerAmount.amountCents > 0) await this.payOut(data.contractId, data.milestoneId);
        break;
      }
      case 'MilestonePayoutFailed':
        await this.schedulePayoutRetry(record.event.data);
        break;
      case 'MilestonePayoutCompleted': {
        const { contractId, milestoneId } = record.event.data;
        await this.sagaStore.payoutSettled(contractId, milestoneId);
        break;
      }
      case 'TrainerPayoutAccountConnected':
      case 'TrainerPayoutAccountUpdated': {
        const { trainerId, payoutsEnabled } = record.event.data;
        // Payouts waiting for this trainer go out as soon as Stripe enables the account.
        if (payoutsEnabled) await this.sagaStore.payoutsDueNowFor(trainerId);
        break;
      }
      case 'MilestoneChargebackClosed': {
        // A chargeback won on an approved milestone unblocks its payout (payOut checks the status).
        const { contractId, milestoneId } = record.event.data;
        await this.payOut(contractId, milestoneId);
        break;
      }
      default:
        return assertNever(record, 'payment saga event');
    }
  }

  /**
   * Queues the next payout attempt of an approved milestone. Attempts are numbered by the
   * failures already recorded, and each has its own key: a refused transfer's answer is stored
   * under its key by Stripe, so only a new key can try again once the cause is fixed.
   */
  async payOut(contractId: string, milestoneId: string): Promise<void> {
    const { state, recorded } = await this.commands.loadContract(contractId);
    assert(state.status !== 'none', `contract ${contractId} exists for its payout`);
    const milestone = state.milestones[milestoneId];
    if (milestone?.status !== 'approved') {
      await this.sagaStore.payoutSettled(contractId, milestoneId);
      return;
    }
    const approved = recorded.map((r) => readDomainEvent(r, releaseEventTypes)).findLast((r) => r !== null && releasesMoney(r, milestoneId));
    assert(approved, `approved milestone ${milestoneId} has the event that released its money`);
    const data: ReleaseData = approved.event.data;
    const attempt = milestone.payoutAttempts + 1;
    const cause = causeOf(approved);
    const destination = payoutDestination(await this.commands.loadTrainer(data.trainerId));
    if (!destination) {
      const command = payoutFailed(contractId, milestoneId, 'the trainer has no payout account with payouts enabled yet');
      await this.outcomes.record(cause, contractId, command, `${approved.eventId}/payout-failed/${attempt}`);
      return;
    }
    const request: Unkeyed<TransferRequest> = {
      amountCents: data.net.amountCents,
      currency: data.net.currency,
      destinationAccountId: destination,
      sourceChargeId: data.chargeId,
      transferGroup: transferGroup(milestoneId),
      metadata: { contractId, milestoneId },
    };
    await this.enqueue({ ...effectCause(approved, contractId, milestoneId), key: `transfer:${approved.eventId}:${attempt}`, kind: 'transfer', request: { ...request, attempt } });
  }

  private async enqueue(effect: NewEffect): Promise<void> {
    await this.effects.enqueue(effect);
    this.runner.kick();
  }

  private async refundEffect(resolved: RecordOf<'MilestoneDisputeResolved'>, data: Data<MilestoneDisputeResolved>): Promise<NewEffect> {
    const { contractId, milestoneId, refundAmount } = data;
    const request: Unkeyed<RefundRequest> = {
      paymentIntentId: await this.fundingPaymentIntent(contractId, milestoneId, data.chargeId),
      chargeId: data.chargeId,
      amountCents: refundAmount.amountCents,
      currency: refundAmount.currency,
      metadata: { contractId, milestoneId },
    };
    return { ...effectCause(resolved, contractId, milestoneId), key: `refund:${resolved.eventId}`, kind: 'refund', request: { ...request } };
  }

  /** Refunds go through the PaymentIntent that funded the milestone with this charge. */
  private async fundingPaymentIntent(contractId: string, milestoneId: string, chargeId: string): Promise<string> {
    const { state } = await this.commands.loadContract(contractId);
    const milestone = state.status === 'none' ? undefined : state.milestones[milestoneId];
    assert(milestone?.chargeId === chargeId && milestone.paymentIntentId !== null, `milestone ${milestoneId} was funded by charge ${chargeId}`);
    return milestone.paymentIntentId;
  }

  private async schedulePayoutRetry(data: { contractId: string; milestoneId: string; trainerId: string; attempt: number; reason: string }) {
    const delayMs = backoffMs({ baseMs: payoutRetryBaseMs, capMs: payoutRetryCapMs, jitter: 'proportional' }, data.attempt);
    await this.sagaStore.schedulePayoutRetry({ ...data, attempts: data.attempt, delayMs });
  }
}

function chargeEffect(record: RecordOf<'MilestoneFundingRequested'>): NewEffect {
  const data: Data<MilestoneFundingRequested> = record.event.data;
  const { contractId, milestoneId } = data;
  const request: Unkeyed<ChargeRequest> = {
    amountCents: data.amount.amountCents,
    currency: data.amount.currency,
    customerId: data.customerId,
    paymentMethodId: data.paymentMethodId,
    transferGroup: transferGroup(milestoneId),
    metadata: { contractId, milestoneId },
  };
  return { ...effectCause(record, contractId, milestoneId), key: `charge:${record.eventId}`, kind: 'charge', request: { ...request } };
}

export function causeOf(event: DomainEventRecord): OutcomeCause {
  return { eventId: event.eventId, eventType: event.type, correlationId: event.metadata.correlationId ?? event.eventId };
}

function effectCause(event: DomainEventRecord, contractId: string, milestoneId: string) {
  const cause = causeOf(event);
  return { contractId, milestoneId, causeEventId: cause.eventId, causeEventType: cause.eventType, correlationId: cause.correlationId };
}

/** What both an approval and a dispute resolution that releases money say about the payout. */
type ReleaseData = Pick<Data<MilestoneApproved>, 'contractId' | 'milestoneId' | 'trainerId' | 'net' | 'chargeId'>;

/** The events that can release a milestone's money to its trainer. */
const releaseEventTypes = new Set(['MilestoneApproved', 'MilestoneDisputeResolved'] as const);

function releasesMoney(record: RecordOf<'MilestoneApproved' | 'MilestoneDisputeResolved'>, milestoneId: string): boolean {
  if (record.type === 'MilestoneApproved') return record.event.data.milestoneId === milestoneId;
  const { data } = record.event;
  return data.milestoneId === milestoneId && data.trainerAmount.amountCents > 0;
}

/** Stripe groups a charge and the transfers paid from it by this value. */
export const transferGroup = (milestoneId: string) => `milestone_${milestoneId}`;
