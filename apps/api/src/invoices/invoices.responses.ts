import { ApiProperty } from '@nestjs/swagger';
import { invoiceKinds } from '@escrow/projections/invoices';

/** What the invoice routes answer (invoice.response.ts builds it), for the OpenAPI document. */
const money = { type: String, example: '150.00', description: 'A decimal amount in USD, two decimals.' } as const;
const paymentStatuses = ['paid', 'partially_refunded', 'refunded'];

export class InvoiceStripeReference {
  @ApiProperty({ type: String, nullable: true }) paymentIntentId!: string | null;
  @ApiProperty({ type: String, nullable: true }) chargeId!: string | null;
  @ApiProperty({ type: String, nullable: true }) transferId!: string | null;
  @ApiProperty({ type: [String] }) refundIds!: string[];
}

export class InvoiceResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'E-2026-000001', description: '`<series>-<sequence>`: gap-free within its series.' }) number!: string;
  @ApiProperty({ example: 'E-2026' }) series!: string;
  @ApiProperty({ enum: [...invoiceKinds] }) kind!: string;
  @ApiProperty({ type: String, format: 'date-time' }) issuedAt!: string;
  @ApiProperty() contractId!: string;
  @ApiProperty() milestoneId!: string;
  @ApiProperty() employerId!: string;
  @ApiProperty() trainerId!: string;
  @ApiProperty() projectName!: string;
  @ApiProperty() milestoneName!: string;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty({ enum: ['fixed_price_milestone'] }) billingType!: string;
  @ApiProperty({ enum: ['USD'] }) currency!: string;
  @ApiProperty({ ...money, description: 'Funding: the amount charged. Payout: the gross amount released (fee + net).' }) amount!: string;
  @ApiProperty({ ...money, nullable: true, description: 'Payout only: the platform fee.' }) fee!: string | null;
  @ApiProperty({ ...money, nullable: true, description: 'Payout only: what the trainer was paid.' }) net!: string | null;
  @ApiProperty({ ...money, description: 'Funding only: what went back to the employer so far.' }) refunded!: string;
  @ApiProperty({ enum: paymentStatuses }) paymentStatus!: string;
  @ApiProperty({ type: InvoiceStripeReference }) stripeReference!: InvoiceStripeReference;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ example: '/v1/invoices/inv_1.pdf' }) pdfUrl!: string;
}

export class InvoicePageResponse {
  @ApiProperty({ type: [InvoiceResponse] }) invoices!: InvoiceResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `after` for the next page; null on the last page.' }) next!: string | null;
}
