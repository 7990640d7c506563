import { ApiProperty } from '@nestjs/swagger';

/** What GET /v1/ledger/reconciliation answers (libs/payments reconciliation report), for the OpenAPI document. */
export class ReconciliationPeriodResponse {
  @ApiProperty({ type: String, format: 'date-time' }) from!: string;
  @ApiProperty({ type: String, format: 'date-time' }) to!: string;
}

const counts = { type: 'object', additionalProperties: { type: 'integer' }, description: 'Charges, transfers and refunds counted.' } as const;

export class ReconciliationReportResponse {
  @ApiProperty({ type: ReconciliationPeriodResponse }) period!: ReconciliationPeriodResponse;
  @ApiProperty({ ...counts, description: 'Objects compared: ours in the log, plus the provider objects that carry our metadata.' }) checked!: object;
  @ApiProperty({ ...counts, description: 'Provider objects without our metadata: not compared.' }) notOurs!: object;
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'Each difference between the log and the provider.' })
  mismatches!: object[];
}
