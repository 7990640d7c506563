import { Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError, type Actor, type ContractCommand } from '@escrow/domain';
import type { ChargeOutcome } from '@escrow/payments';
import { CommandHandling, SQL_DB, deterministicId } from '@escrow/runtime';
import type { SqlDb } from '@escrow/sql';
import { SagaStore } from './saga-store';

export const sagaActor: Actor = { role: 'service', id: 'payment-saga' };

/** What caused an outcome: the log event the saga acted on. */
export interface OutcomeCause {
  readonly eventId: string;
  readonly eventType: string;
  readonly correlationId: string;
}

/**
 * Appends what the provider said, under an event id derived from the cause and the outcome's
 * name, so recording it again after a crash appends nothing.
 */
@Injectable()
export class SagaOutcomes {
  private readonly logger = new Logger('PaymentSaga');
  readonly sagaStore: SagaStore;

  constructor(
    @Inject(SQL_DB) db: SqlDb,
    private readonly commands: CommandHandling,
  ) {
    this.sagaStore = new SagaStore(db);
  }

  async record(cause: OutcomeCause, contractId: string, command: ContractCommand, outcomeName: string): Promise<void> {
    try {
      await this.commands.contract(contractId, command, {
        actor: sagaActor,
        correlationId: cause.correlationId,
        causationId: cause.eventId,
        eventIds: [deterministicId(outcomeName)],
      });
    } catch (error) {
      // The contract refused the outcome (it moved on meanwhile): money may have moved, so a
      // person must look; stopping the whole saga would block every other payment.
      if (!(error instanceof DomainError)) throw error;
      this.logger.error({ msg: `contract ${contractId} refused ${command.type}: ${error.message}`, correlationId: cause.correlationId, causeEventId: cause.eventId, contractId });
      const { milestoneId } = command.data as { milestoneId?: string };
      await this.sagaStore.deadLetter({ eventId: cause.eventId, eventType: cause.eventType, contractId, milestoneId, error: error.message });
    }
  }
}

/** The contract command that records what the provider said about a funding charge. */
export function fundingOutcome(contractId: string, milestoneId: string, amountCents: number, outcome: ChargeOutcome): ContractCommand {
  switch (outcome.status) {
    case 'succeeded':
      return { type: 'RecordFunded', actor: sagaActor, data: { contractId, milestoneId, paymentIntentId: outcome.paymentIntentId, chargeId: outcome.chargeId, amountCents } };
    case 'declined':
      return { type: 'RecordFundingFailed', actor: sagaActor, data: { contractId, milestoneId, reason: outcome.reason, declineCode: outcome.declineCode, paymentIntentId: outcome.paymentIntentId } };
    case 'pending':
      return { type: 'RecordFundingPending', actor: sagaActor, data: { contractId, milestoneId, paymentIntentId: outcome.paymentIntentId, nextStep: outcome.nextStep } };
  }
}

/** A payout attempt that moved nothing; the saga schedules the next one. */
export function payoutFailed(contractId: string, milestoneId: string, reason: string): ContractCommand {
  return { type: 'RecordPayoutFailed', actor: sagaActor, data: { contractId, milestoneId, reason, retryable: true } };
}
