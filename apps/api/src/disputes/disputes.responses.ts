import { ApiProperty } from '@nestjs/swagger';

/** What support's disputes queue answers (disputes.response.ts), for the OpenAPI document. */
export class DisputeEntryResponse {
  @ApiProperty() disputeKey!: string;
  @ApiProperty() contractId!: string;
  @ApiProperty() milestoneId!: string;
  @ApiProperty() employerId!: string;
  @ApiProperty() trainerId!: string;
  @ApiProperty({ example: '150.00' }) amount!: string;
  @ApiProperty({ enum: ['USD'] }) currency!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ description: '`employer`, `trainer`, or `service` for a chargeback.' }) openedBy!: string;
  @ApiProperty({ type: String, format: 'date-time' }) openedAt!: string;
  @ApiProperty() chargeback!: boolean;
  @ApiProperty() status!: string;
  @ApiProperty({ type: Number }) ageSeconds!: number;
}

export class DisputesResponse {
  @ApiProperty({ type: String, format: 'date-time' }) asOf!: string;
  @ApiProperty({ type: String, nullable: true }) openedBefore!: string | null;
  @ApiProperty({ type: [DisputeEntryResponse] }) disputes!: DisputeEntryResponse[];
}
