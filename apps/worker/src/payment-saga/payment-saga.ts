import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  assert,
  contractStream,
  DomainError,
  payoutDestination,
  replay,
  type Actor,
  type ContractCommand,
  type ContractEvent,
  type MilestoneApproved,
  type MilestoneDisputeResolved,
  type MilestoneFundingRequested,
} from '@escrow/domain';
import type { EventStore, RecordedEvent, Subscription } from '@escrow/event-store';
import { PaymentGatewayError, type PaymentGateway } from '@escrow/payments';
import { ensureCheckpointSchema, readCheckpoint, writeCheckpoint } from '@escrow/projector';
import { CommandHandling, EVENT_STORE, PAYMENT_GATEWAY, SQL_DB, deterministicId } from '@escrow/runtime';
import type { SqlDb } from '@escrow/sql';
import { backoffMs, sleep } from './backoff';
import { SAGA_FAULTS, type SagaFaults } from './saga-faults';
import { SagaStore } from './saga-store';

export const sagaCheckpointName = 'payment-saga';
export const sagaActor: Actor = { role: 'service', id: 'payment-saga' };
/** A call whose outcome is unknown (timeout, reset) is retried under the same key this often. */
export const gatewayRetryCountMax = 6;
export const gatewayRetryBaseMs = 200;
export const gatewayRetryCapMs = 5_000;
export const payoutRetryBaseMs = 1_000;
export const payoutRetryCapMs = 5 * 60_000;

type Data<E extends ContractEvent> = E['data'];

/**
 * The payment process manager. Driven by a checkpointed subscription to the log (never by the
 * in-memory bus, which a crash empties): each money-moving step calls the gateway with a key
 * derived from the triggering event, then appends the outcome with a deterministic event id.
 * Re-running any step after a crash therefore neither moves money again nor records it twice.
 */
@Injectable()
export class PaymentSaga {
  private readonly logger = new Logger('PaymentSaga');
  private subscription: Subscription | null = null;
  readonly sagaStore: SagaStore;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(SQL_DB) private readonly db: SqlDb,
    @Inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway,
    @Inject(SAGA_FAULTS) private readonly faults: SagaFaults,
    private readonly commands: CommandHandling,
  ) {
    this.sagaStore = new SagaStore(db);
  }

  async start(onError: (error: unknown) => void): Promise<void> {
    await ensureCheckpointSchema(this.db);
    await this.sagaStore.prepare();
    const fromPosition = await readCheckpoint(this.db, sagaCheckpointName);
    this.subscription = this.store.subscribe(
      { fromPosition, filter: { streamPrefixes: ['contract-', 'trainer-'] }, onError },
      (event) => this.handle(event),
    );
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = null;
  }

  private async handle(event: RecordedEvent): Promise<void> {
    switch (event.type) {
      case 'MilestoneFundingRequested':
        await this.charge(event, event.data as Data<MilestoneFundingRequested>);
        break;
      case 'MilestoneApproved': {
        const { contractId, milestoneId } = event.data as Data<MilestoneApproved>;
        await this.payOut(contractId, milestoneId);
        break;
      }
      case 'MilestoneDisputeResolved': {
        const data = event.data as Data<MilestoneDisputeResolved>;
        await this.refund(event, data);
        if (data.trainerAmount.amountCents > 0) await this.payOut(data.contractId, data.milestoneId);
        break;
      }
      case 'MilestonePayoutFailed':
        await this.schedulePayoutRetry(event.data as { contractId: string; milestoneId: string; trainerId: string; attempt: number; reason: string });
        break;
      case 'MilestonePayoutCompleted': {
        const { contractId, milestoneId } = event.data as { contractId: string; milestoneId: string };
        await this.sagaStore.payoutSettled(contractId, milestoneId);
        break;
      }
      case 'TrainerPayoutAccountConnected':
        await this.sagaStore.payoutsDueNowFor((event.data as { trainerId: string }).trainerId);
        break;
      default:
        // Nothing to do: not worth a checkpoint write (a restart re-reads it and skips it again).
        return;
    }
    await writeCheckpoint(this.db, sagaCheckpointName, event.position);
  }

  private async charge(event: RecordedEvent, data: Data<MilestoneFundingRequested>): Promise<void> {
    const { contractId, milestoneId } = data;
    const outcome = await this.callGateway(event, () =>
      this.gateway.charge({
        idempotencyKey: `charge:${event.eventId}`,
        amountCents: data.amount.amountCents,
        currency: data.amount.currency,
        customerId: data.customerId,
        paymentMethodId: data.paymentMethodId,
        transferGroup: transferGroup(milestoneId),
        metadata: { contractId, milestoneId },
      }),
    );
    if (!outcome) return;
    this.faults.maybeCrash('after_gateway_call', event.type);
    const command: ContractCommand =
      outcome.status === 'succeeded'
        ? { type: 'RecordFunded', actor: sagaActor, data: { contractId, milestoneId, paymentIntentId: outcome.paymentIntentId, chargeId: outcome.chargeId, amountCents: data.amount.amountCents } }
        : { type: 'RecordFundingFailed', actor: sagaActor, data: { contractId, milestoneId, reason: outcome.reason, declineCode: outcome.declineCode, paymentIntentId: outcome.paymentIntentId } };
    await this.record(event, contractId, command, `${event.eventId}/funding-outcome`);
    this.faults.maybeCrash('after_outcome_append', event.type);
  }

  /**
   * One payout attempt for an approved milestone. Attempts are numbered by the failures already
   * recorded; a failure is recorded only when no transfer can have happened, so each attempt's
   * idempotency key is safe to reuse until its outcome is known.
   */
  async payOut(contractId: string, milestoneId: string): Promise<void> {
    const recorded = await this.store.readStream(contractStream(contractId));
    const state = replay(recorded.map((r) => ({ type: r.type, data: r.data }) as ContractEvent));
    assert(state.status !== 'none', `contract ${contractId} exists for its payout`);
    const milestone = state.milestones[milestoneId];
    if (milestone?.status !== 'approved') {
      await this.sagaStore.payoutSettled(contractId, milestoneId);
      return;
    }
    const approved = recorded.findLast((r) => releasesMoney(r, milestoneId));
    assert(approved, `approved milestone ${milestoneId} has the event that released its money`);
    const data = approved.data as ReleaseData;
    const attempt = milestone.payoutAttempts + 1;
    const destination = payoutDestination(await this.commands.loadTrainer(data.trainerId));
    if (!destination) {
      await this.recordPayoutFailure(approved, data, attempt, 'the trainer has no payout account with payouts enabled yet');
      return;
    }
    const outcome = await this.callGateway(approved, () =>
      this.gateway.transfer({
        idempotencyKey: `transfer:${approved.eventId}:${attempt}`,
        amountCents: data.net.amountCents,
        currency: data.net.currency,
        destinationAccountId: destination,
        sourceChargeId: data.chargeId,
        transferGroup: transferGroup(milestoneId),
        metadata: { contractId, milestoneId },
      }),
    );
    if (!outcome) return;
    this.faults.maybeCrash('after_gateway_call', approved.type);
    if (outcome.status === 'failed') {
      await this.recordPayoutFailure(approved, data, attempt, outcome.reason);
      return;
    }
    const command: ContractCommand = {
      type: 'RecordPayoutCompleted',
      actor: sagaActor,
      data: { contractId, milestoneId, transferId: outcome.transferId, destinationAccountId: destination, amountCents: data.net.amountCents },
    };
    await this.record(approved, contractId, command, `${approved.eventId}/payout-completed`);
    this.faults.maybeCrash('after_outcome_append', approved.type);
  }

  /** Returns the employer's part of a resolved dispute through the funding charge. */
  private async refund(event: RecordedEvent, data: Data<MilestoneDisputeResolved>): Promise<void> {
    const { contractId, milestoneId, refundAmount } = data;
    if (refundAmount.amountCents === 0) return;
    const outcome = await this.callGateway(event, () =>
      this.gateway.refund({
        idempotencyKey: `refund:${event.eventId}`,
        chargeId: data.chargeId,
        amountCents: refundAmount.amountCents,
        currency: refundAmount.currency,
        metadata: { contractId, milestoneId },
      }),
    );
    if (!outcome) return;
    this.faults.maybeCrash('after_gateway_call', event.type);
    if (outcome.status === 'failed') {
      // Nothing moved; the provider refused (e.g. the charge was already refunded elsewhere).
      this.logger.error(`refund for milestone ${milestoneId} refused: ${outcome.reason}`);
      await this.sagaStore.deadLetter({ eventId: event.eventId, eventType: event.type, contractId, milestoneId, error: outcome.reason });
      return;
    }
    const command: ContractCommand = {
      type: 'RecordRefunded',
      actor: sagaActor,
      data: { contractId, milestoneId, refundId: outcome.refundId, amountCents: refundAmount.amountCents },
    };
    await this.record(event, contractId, command, `${event.eventId}/refund-completed`);
    this.faults.maybeCrash('after_outcome_append', event.type);
  }

  private async recordPayoutFailure(approved: RecordedEvent, data: ReleaseData, attempt: number, reason: string) {
    const command: ContractCommand = {
      type: 'RecordPayoutFailed',
      actor: sagaActor,
      data: { contractId: data.contractId, milestoneId: data.milestoneId, reason, retryable: true },
    };
    await this.record(approved, data.contractId, command, `${approved.eventId}/payout-failed/${attempt}`);
  }

  private async schedulePayoutRetry(data: { contractId: string; milestoneId: string; trainerId: string; attempt: number; reason: string }) {
    const delayMs = backoffMs(data.attempt, payoutRetryBaseMs, payoutRetryCapMs);
    await this.sagaStore.schedulePayoutRetry({ ...data, attempts: data.attempt, delayMs });
  }

  private async record(cause: RecordedEvent, contractId: string, command: ContractCommand, outcomeName: string) {
    const metadata = cause.metadata as { correlationId?: string };
    try {
      await this.commands.contract(contractId, command, {
        actor: sagaActor,
        correlationId: metadata.correlationId ?? cause.eventId,
        causationId: cause.eventId,
        eventIds: [deterministicId(outcomeName)],
      });
    } catch (error) {
      // The contract refused the outcome (it moved on meanwhile): money may have moved, so a
      // person must look; stopping the whole saga would block every other payment.
      if (!(error instanceof DomainError)) throw error;
      this.logger.error(`contract ${contractId} refused ${command.type}: ${error.message}`);
      const { milestoneId } = command.data as { milestoneId?: string };
      await this.sagaStore.deadLetter({ eventId: cause.eventId, eventType: cause.type, contractId, milestoneId, error: error.message });
    }
  }

  /**
   * Retries calls whose outcome is unknown under the same idempotency key; after the limit the
   * event goes to the dead letters for a person to look at, and the saga moves on.
   */
  private async callGateway<T>(cause: RecordedEvent, call: () => Promise<T>): Promise<T | null> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        const retryable = error instanceof PaymentGatewayError && error.retryable;
        if (retryable && attempt < gatewayRetryCountMax) {
          await sleep(backoffMs(attempt, gatewayRetryBaseMs, gatewayRetryCapMs));
          continue;
        }
        const { contractId, milestoneId } = cause.data as { contractId?: string; milestoneId?: string };
        this.logger.error(`payment step for ${cause.type} ${cause.eventId} failed after ${attempt} attempt(s): ${String(error)}`);
        await this.sagaStore.deadLetter({ eventId: cause.eventId, eventType: cause.type, contractId, milestoneId, error: String(error) });
        return null;
      }
    }
  }
}

/** What both an approval and a dispute resolution that releases money say about the payout. */
type ReleaseData = Pick<Data<MilestoneApproved>, 'contractId' | 'milestoneId' | 'trainerId' | 'net' | 'chargeId'>;

function releasesMoney(event: RecordedEvent, milestoneId: string): boolean {
  if (event.type === 'MilestoneApproved') return (event.data as Data<MilestoneApproved>).milestoneId === milestoneId;
  if (event.type !== 'MilestoneDisputeResolved') return false;
  const data = event.data as Data<MilestoneDisputeResolved>;
  return data.milestoneId === milestoneId && data.trainerAmount.amountCents > 0;
}

/** Stripe groups a charge and the transfers paid from it by this value. */
export const transferGroup = (milestoneId: string) => `milestone_${milestoneId}`;
