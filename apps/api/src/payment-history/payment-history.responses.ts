import { ApiProperty } from '@nestjs/swagger';

/** What GET /v1/contracts/:cid/payments answers (payment-history.response.ts), for the OpenAPI document. */
const money = { type: String, example: '150.00' } as const;
const instantOrNull = { type: String, format: 'date-time', nullable: true } as const;

export class PaymentEntryResponse {
  @ApiProperty() milestoneId!: string;
  @ApiProperty() milestoneName!: string;
  @ApiProperty() status!: string;
  @ApiProperty(money) amount!: string;
  @ApiProperty(money) fee!: string;
  @ApiProperty(money) net!: string;
  @ApiProperty({ type: Number, description: 'The platform fee in basis points.' }) feeBps!: number;
  @ApiProperty({ enum: ['USD'] }) currency!: string;
  @ApiProperty({ type: String, nullable: true }) resolution!: string | null;
  @ApiProperty(instantOrNull) approvedAt!: string | null;
  @ApiProperty(instantOrNull) paidAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) transferId!: string | null;
  @ApiProperty({ type: String, nullable: true }) chargeId!: string | null;
}

export class RefundEntryResponse {
  @ApiProperty() milestoneId!: string;
  @ApiProperty() milestoneName!: string;
  @ApiProperty(money) amount!: string;
  @ApiProperty({ enum: ['USD'] }) currency!: string;
  @ApiProperty() refundId!: string;
  @ApiProperty({ type: String, nullable: true }) chargeId!: string | null;
  @ApiProperty(instantOrNull) refundedAt!: string | null;
}

export class PaymentHistoryResponse {
  @ApiProperty() contractId!: string;
  @ApiProperty() projectName!: string;
  @ApiProperty({ enum: ['USD'] }) currency!: string;
  @ApiProperty({ type: [PaymentEntryResponse] }) payments!: PaymentEntryResponse[];
  @ApiProperty({ type: [RefundEntryResponse] }) refunds!: RefundEntryResponse[];
  @ApiProperty() position!: string;
}
