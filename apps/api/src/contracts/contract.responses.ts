import { ApiProperty } from '@nestjs/swagger';

/**
 * What the contract routes answer, for the OpenAPI document only: the routes return plain objects
 * (contract.query.ts, contract-view.response.ts); these classes describe them.
 */
export const milestoneStatuses = ['pending', 'funding', 'funded', 'pending_approval', 'approved', 'paid', 'disputed', 'refunded', 'cancelled'];
const money = { type: String, example: '150.00', description: 'A decimal amount in USD, two decimals.' } as const;
const position = {
  type: String,
  nullable: true,
  description: 'The global log position of the write (pass it as `minPosition` to read your write); null when nothing was written.',
} as const;
const instant = { type: String, format: 'date-time' } as const;

export class HiredResponse {
  @ApiProperty() contractId!: string;
  @ApiProperty({ description: 'The first milestone.' }) milestoneId!: string;
  @ApiProperty(position) position!: string | null;
}

export class MilestoneAddedResponse {
  @ApiProperty() milestoneId!: string;
  @ApiProperty(position) position!: string | null;
}

export class NoteAddedResponse {
  @ApiProperty() noteId!: string;
  @ApiProperty(position) position!: string | null;
}

export class MilestoneOutcomeResponse {
  @ApiProperty({ enum: milestoneStatuses, description: 'The milestone status after the command.' }) status!: string;
  @ApiProperty(position) position!: string | null;
}

export class ArchivedResponse {
  @ApiProperty({ enum: ['active', 'archived'] }) status!: string;
  @ApiProperty(position) position!: string | null;
}

export class ChargebackResponse {
  @ApiProperty() disputeId!: string;
  @ApiProperty(money) amount!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ enum: ['open', 'won', 'lost'] }) status!: string;
  @ApiProperty(instant) openedAt!: string;
  @ApiProperty({ ...instant, nullable: true }) closedAt!: string | null;
}

export class MilestoneViewResponse {
  @ApiProperty() milestoneId!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty(money) amount!: string;
  @ApiProperty({ ...money, nullable: true, description: 'The platform fee, once known.' }) fee!: string | null;
  @ApiProperty({ ...money, nullable: true, description: 'What the trainer is paid, once known.' }) net!: string | null;
  @ApiProperty({ enum: ['USD'] }) currency!: string;
  @ApiProperty({ type: String, format: 'date', nullable: true }) dueDate!: string | null;
  @ApiProperty({ enum: milestoneStatuses }) status!: string;
  @ApiProperty({ ...instant, nullable: true }) fundedAt!: string | null;
  @ApiProperty({ ...instant, nullable: true }) approvalRequestedAt!: string | null;
  @ApiProperty({ ...instant, nullable: true }) approvedAt!: string | null;
  @ApiProperty({ ...instant, nullable: true }) paidAt!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The payment intent.' }) paymentReference!: string | null;
  @ApiProperty({ type: String, nullable: true }) chargeReference!: string | null;
  @ApiProperty({ type: String, nullable: true }) transferReference!: string | null;
  @ApiProperty({ type: String, nullable: true }) lastFailure!: string | null;
  @ApiProperty({ type: Number }) payoutAttempts!: number;
  @ApiProperty({ enum: ['release', 'refund', 'split'], nullable: true }) resolution!: string | null;
  @ApiProperty({ ...instant, nullable: true }) resolvedAt!: string | null;
  @ApiProperty(money) refundPending!: string;
  @ApiProperty(money) refunded!: string;
  @ApiProperty({ type: String, nullable: true }) refundReference!: string | null;
  @ApiProperty({ ...instant, nullable: true }) refundedAt!: string | null;
  @ApiProperty({ enum: ['processing', 'requires_action'], nullable: true, description: 'While funding waits on the bank or on the employer.' })
  fundingNextStep!: string | null;
  @ApiProperty({ type: [ChargebackResponse] }) chargebacks!: ChargebackResponse[];
}

export class ContractViewResponse {
  @ApiProperty() contractId!: string;
  @ApiProperty() projectName!: string;
  @ApiProperty() employerId!: string;
  @ApiProperty() trainerId!: string;
  @ApiProperty({ enum: ['active', 'archived'] }) status!: string;
  @ApiProperty({ type: [MilestoneViewResponse] }) milestones!: MilestoneViewResponse[];
  @ApiProperty(instant) createdAt!: string;
  @ApiProperty(instant) updatedAt!: string;
  @ApiProperty({ type: String, description: 'The last event the view applied.' }) position!: string;
}

export class ContractEventResponse {
  @ApiProperty() type!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) data!: object;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'actor, eventId, causationId, occurredAt, schemaVersion…' }) metadata!: object;
  @ApiProperty({ type: Number }) revision!: number;
  @ApiProperty() position!: string;
  @ApiProperty(instant) recordedAt!: string;
}

export class ContractHistoryResponse {
  @ApiProperty() contractId!: string;
  @ApiProperty({ type: [ContractEventResponse] }) events!: ContractEventResponse[];
}

export class ContractReplayResponse {
  @ApiProperty() contractId!: string;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'Each event with the state after it, what changed and what it posted.' })
  steps!: object[];
}

export class ContractPageResponse {
  @ApiProperty({ type: [ContractViewResponse], description: 'Latest activity first.' }) contracts!: ContractViewResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `after` for the next page; null on the last page.' }) next!: string | null;
}
