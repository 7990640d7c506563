import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** What support's stuck-payments routes answer (stuck-payments.ts), for the OpenAPI document. */
const item = { type: 'object', additionalProperties: true } as const;

export class StuckListResponse {
  @ApiProperty({ type: 'array', items: item, description: 'Payment effects that gave up: id, kind, status, contractId, milestoneId, attempts, lastError…' })
  effects!: object[];
  @ApiProperty({ type: 'array', items: item, description: 'Effects still retrying.' }) retrying!: object[];
  @ApiProperty({ type: 'array', items: item, description: 'Outcomes the provider refused, to settle by hand.' }) refusedOutcomes!: object[];
  @ApiProperty({ type: 'array', items: item, description: 'Webhook events that failed: id, type, attempts, error, receivedAt.' }) webhooks!: object[];
  @ApiProperty({ type: 'array', items: item, description: 'Auto-release steps that gave up.' }) autoReleaseSteps!: object[];
}

export class StuckRetriedResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['effect', 'webhook', 'auto_release_step'] }) retried!: string;
}

export class StuckResolvedResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: [true] }) resolved!: boolean;
  @ApiPropertyOptional({ description: 'With externalRefund: the refund recorded.' }) refundId?: string;
  @ApiPropertyOptional({ type: [String], description: 'With externalRefund: the event types recorded.' }) recorded?: string[];
  @ApiPropertyOptional() position?: string;
}
