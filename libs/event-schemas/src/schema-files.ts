// The committed JSON files are the public contract; importing them (rather than reading the
// folder at run time) lets tsc copy them next to the compiled code, so dist/ finds them too.
import eventMetadata from '../schemas/event-metadata.json';
import contractArchivedV1 from '../schemas/events/ContractArchived.v1.json';
import contractCreatedV1 from '../schemas/events/ContractCreated.v1.json';
import employerAccountTypeSetV1 from '../schemas/events/EmployerAccountTypeSet.v1.json';
import employerCustomerCreatedV1 from '../schemas/events/EmployerCustomerCreated.v1.json';
import employerSubscriptionStartedV1 from '../schemas/events/EmployerSubscriptionStarted.v1.json';
import employerSubscriptionUpdatedV1 from '../schemas/events/EmployerSubscriptionUpdated.v1.json';
import employerSubscriptionCanceledV1 from '../schemas/events/EmployerSubscriptionCanceled.v1.json';
import employerPaymentMethodAttachedV1 from '../schemas/events/EmployerPaymentMethodAttached.v1.json';
import milestoneApprovalRequestedV1 from '../schemas/events/MilestoneApprovalRequested.v1.json';
import milestoneApprovedV1 from '../schemas/events/MilestoneApproved.v1.json';
import milestoneApprovedV2 from '../schemas/events/MilestoneApproved.v2.json';
import milestoneAutoReleaseReminderSentV1 from '../schemas/events/MilestoneAutoReleaseReminderSent.v1.json';
import milestoneCancelledV1 from '../schemas/events/MilestoneCancelled.v1.json';
import milestoneChargebackClosedV1 from '../schemas/events/MilestoneChargebackClosed.v1.json';
import milestoneChargebackOpenedV1 from '../schemas/events/MilestoneChargebackOpened.v1.json';
import milestoneCreatedV1 from '../schemas/events/MilestoneCreated.v1.json';
import milestoneDisputeResolvedV1 from '../schemas/events/MilestoneDisputeResolved.v1.json';
import milestoneDisputedV1 from '../schemas/events/MilestoneDisputed.v1.json';
import milestoneDisputedV2 from '../schemas/events/MilestoneDisputed.v2.json';
import milestoneFundedV1 from '../schemas/events/MilestoneFunded.v1.json';
import milestoneFundingFailedV1 from '../schemas/events/MilestoneFundingFailed.v1.json';
import milestoneFundingPendingV1 from '../schemas/events/MilestoneFundingPending.v1.json';
import milestoneFundingRequestedV1 from '../schemas/events/MilestoneFundingRequested.v1.json';
import milestonePayoutCompletedV1 from '../schemas/events/MilestonePayoutCompleted.v1.json';
import milestonePayoutFailedV1 from '../schemas/events/MilestonePayoutFailed.v1.json';
import milestoneRefundedV1 from '../schemas/events/MilestoneRefunded.v1.json';
import milestoneSupportNoteAddedV1 from '../schemas/events/MilestoneSupportNoteAdded.v1.json';
import trainerPayoutAccountConnectedV1 from '../schemas/events/TrainerPayoutAccountConnected.v1.json';
import trainerPayoutAccountConnectedV2 from '../schemas/events/TrainerPayoutAccountConnected.v2.json';
import trainerPayoutAccountUpdatedV1 from '../schemas/events/TrainerPayoutAccountUpdated.v1.json';
import feedMessage from '../schemas/feed-message.json';

/** A JSON Schema (draft-07), as stored. */
export type JsonSchema = Readonly<Record<string, unknown>>;

export interface EventSchemaFile {
  readonly type: string;
  readonly version: number;
  readonly schema: JsonSchema;
}

/** Every event schema file in schemas/events (a test checks that none is missing here). */
export const eventSchemaFiles: readonly EventSchemaFile[] = [
  { type: 'ContractArchived', version: 1, schema: contractArchivedV1 },
  { type: 'ContractCreated', version: 1, schema: contractCreatedV1 },
  { type: 'EmployerCustomerCreated', version: 1, schema: employerCustomerCreatedV1 },
  { type: 'EmployerAccountTypeSet', version: 1, schema: employerAccountTypeSetV1 },
  { type: 'EmployerSubscriptionStarted', version: 1, schema: employerSubscriptionStartedV1 },
  { type: 'EmployerSubscriptionUpdated', version: 1, schema: employerSubscriptionUpdatedV1 },
  { type: 'EmployerSubscriptionCanceled', version: 1, schema: employerSubscriptionCanceledV1 },
  { type: 'EmployerPaymentMethodAttached', version: 1, schema: employerPaymentMethodAttachedV1 },
  { type: 'MilestoneApprovalRequested', version: 1, schema: milestoneApprovalRequestedV1 },
  { type: 'MilestoneApproved', version: 1, schema: milestoneApprovedV1 },
  { type: 'MilestoneApproved', version: 2, schema: milestoneApprovedV2 },
  { type: 'MilestoneAutoReleaseReminderSent', version: 1, schema: milestoneAutoReleaseReminderSentV1 },
  { type: 'MilestoneCancelled', version: 1, schema: milestoneCancelledV1 },
  { type: 'MilestoneChargebackClosed', version: 1, schema: milestoneChargebackClosedV1 },
  { type: 'MilestoneChargebackOpened', version: 1, schema: milestoneChargebackOpenedV1 },
  { type: 'MilestoneCreated', version: 1, schema: milestoneCreatedV1 },
  { type: 'MilestoneDisputeResolved', version: 1, schema: milestoneDisputeResolvedV1 },
  { type: 'MilestoneDisputed', version: 1, schema: milestoneDisputedV1 },
  { type: 'MilestoneDisputed', version: 2, schema: milestoneDisputedV2 },
  { type: 'MilestoneFunded', version: 1, schema: milestoneFundedV1 },
  { type: 'MilestoneFundingFailed', version: 1, schema: milestoneFundingFailedV1 },
  { type: 'MilestoneFundingPending', version: 1, schema: milestoneFundingPendingV1 },
  { type: 'MilestoneFundingRequested', version: 1, schema: milestoneFundingRequestedV1 },
  { type: 'MilestonePayoutCompleted', version: 1, schema: milestonePayoutCompletedV1 },
  { type: 'MilestonePayoutFailed', version: 1, schema: milestonePayoutFailedV1 },
  { type: 'MilestoneRefunded', version: 1, schema: milestoneRefundedV1 },
  { type: 'MilestoneSupportNoteAdded', version: 1, schema: milestoneSupportNoteAddedV1 },
  { type: 'TrainerPayoutAccountConnected', version: 1, schema: trainerPayoutAccountConnectedV1 },
  { type: 'TrainerPayoutAccountConnected', version: 2, schema: trainerPayoutAccountConnectedV2 },
  { type: 'TrainerPayoutAccountUpdated', version: 1, schema: trainerPayoutAccountUpdatedV1 },
];

export const eventMetadataSchema: JsonSchema = eventMetadata;
export const feedMessageSchema: JsonSchema = feedMessage;
