import {
  assertNever,
  autoReleaseReminderDaysBefore,
  readDomainEvent,
  typesUsedFor,
  type DomainEventOfType,
  type DomainEventRecord,
  type EventTypeUses,
  type TypesUsedFor,
} from '@escrow/domain';
import type { RecordedEvent } from '@escrow/event-store';
import type { Projection } from '@escrow/projector';
import type { SqlExecutor } from '@escrow/sql';
import { AutoReleaseStore, jobKeyOf, stepEventId } from './auto-release-store';

/** The checkpoint (in `projection_checkpoints`) of the scheduler: not a read model, never rebuilt. */
export const autoReleaseScheduleName = 'auto-release-schedule';

/**
 * What the scheduler does with each catalog type: a wait for approval 'starts' (the trainer's
 * request; a chargeback won that returns the milestone to pending_approval) or 'ends' (approved,
 * disputed). tsc refuses the table until a new type is decided. The executor checks the wait
 * against the contract's log again before acting, so a type left out here can delay a step's
 * cancellation, never make one act on a wait that is over.
 */
export const autoReleaseEventUses = {
  ContractCreated: 'ignored',
  MilestoneCreated: 'ignored',
  MilestoneFundingRequested: 'ignored',
  MilestoneFunded: 'ignored',
  MilestoneFundingPending: 'ignored',
  MilestoneFundingFailed: 'ignored',
  MilestoneApprovalRequested: 'starts',
  MilestoneApproved: 'ends',
  MilestoneAutoReleaseReminderSent: 'ignored',
  MilestonePayoutCompleted: 'ignored',
  MilestonePayoutFailed: 'ignored',
  MilestoneDisputed: 'ends',
  MilestoneChargebackOpened: 'ignored',
  MilestoneChargebackClosed: 'starts',
  MilestoneDisputeResolved: 'ignored',
  MilestoneRefunded: 'ignored',
  MilestoneCancelled: 'ignored',
  ContractArchived: 'ignored',
  MilestoneSupportNoteAdded: 'ignored',
  EmployerCustomerCreated: 'ignored',
  EmployerAccountTypeSet: 'ignored',
  EmployerSubscriptionStarted: 'ignored',
  EmployerSubscriptionUpdated: 'ignored',
  EmployerSubscriptionCanceled: 'ignored',
  EmployerPaymentMethodAttached: 'ignored',
  TrainerPayoutAccountConnected: 'ignored',
  TrainerPayoutAccountUpdated: 'ignored',
} as const satisfies EventTypeUses<'starts' | 'ends'>;

type ReadType = TypesUsedFor<typeof autoReleaseEventUses, 'starts' | 'ends'>;
type ScheduleRecord = DomainEventRecord<DomainEventOfType<ReadType>>;
type StartRecord = DomainEventRecord<DomainEventOfType<TypesUsedFor<typeof autoReleaseEventUses, 'starts'>>>;
const readTypes: ReadonlySet<ReadType> = new Set([...typesUsedFor(autoReleaseEventUses, 'starts'), ...typesUsedFor(autoReleaseEventUses, 'ends')]);

/** The release itself (0 days before) and each reminder. */
export const autoReleaseSteps: readonly number[] = [0, ...autoReleaseReminderDaysBefore];

/**
 * Turns the log into durable due dates: fed by a `ProjectorRunner` (not in the registry: its
 * rows are jobs, which the executor moves on, not a read model to rebuild), so each event's jobs
 * and the checkpoint after it commit together, and several workers never schedule twice.
 */
export function autoReleaseSchedule(afterDays: () => number): Projection {
  return {
    name: autoReleaseScheduleName,
    // Its table is a versioned migration (0005_auto_release_jobs): jobs are not rebuilt from the log.
    schema: '',
    tables: [],
    async applyBatch(tx: SqlExecutor, events: readonly RecordedEvent[]): Promise<void> {
      for (const recorded of events) {
        const record = readDomainEvent(recorded, readTypes);
        if (record !== null) await apply(tx, record, afterDays());
      }
    },
  };
}

async function apply(tx: SqlExecutor, record: ScheduleRecord, afterDays: number): Promise<void> {
  const { contractId, milestoneId } = record.event.data;
  switch (record.type) {
    case 'MilestoneChargebackClosed':
      // Won (or lost) back to another status: no new wait.
      if (record.event.data.statusAfter !== 'pending_approval') return;
      return start(tx, record, afterDays);
    case 'MilestoneApprovalRequested':
      return start(tx, record, afterDays);
    case 'MilestoneApproved': {
      // The release step's own event (caused by the wait's event, with the step's id): done, even
      // if its worker died before saying so; any other approval makes the open steps moot.
      const ownStep = record.metadata.causationId === undefined ? null : jobKeyOf(record.metadata.causationId, 0);
      if (ownStep !== null && stepEventId(ownStep) === record.eventId) await AutoReleaseStore.completeSeen(tx, ownStep, `approved in event ${record.eventId}`);
      return AutoReleaseStore.cancelWaits(tx, contractId, milestoneId, `approved (${record.event.data.reason}) in event ${record.eventId}`);
    }
    case 'MilestoneDisputed':
      return AutoReleaseStore.cancelWaits(tx, contractId, milestoneId, `disputed by ${record.event.data.disputedBy} in event ${record.eventId}`);
    default:
      return assertNever(record, 'auto-release event');
  }
}

function start(tx: SqlExecutor, record: StartRecord, afterDays: number): Promise<void> {
  const { contractId, milestoneId } = record.event.data;
  return AutoReleaseStore.scheduleWait(
    tx,
    { causeEventId: record.eventId, correlationId: record.metadata.correlationId ?? record.eventId, contractId, milestoneId, since: record.occurredAt },
    autoReleaseSteps,
    afterDays,
  );
}
