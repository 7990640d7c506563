import { ApiProperty } from '@nestjs/swagger';
import { employerAccountTypes, subscriptionStatuses } from '@escrow/domain';

/** What the billing routes answer (billing.commands.ts, subscription.commands.ts), for the OpenAPI document. */
const position = { type: String, nullable: true, description: 'The global log position of the write; null when nothing changed (a repeat).' } as const;
const instant = { type: String, format: 'date-time', nullable: true } as const;

export class PaymentMethodAttachedResponse {
  @ApiProperty() employerId!: string;
  @ApiProperty({ description: "The employer's customer at the payment provider." }) customerId!: string;
  @ApiProperty({ example: 'pm_card_visa' }) paymentMethodId!: string;
  @ApiProperty(position) position!: string | null;
}

export class SetupIntentResponse {
  @ApiProperty() employerId!: string;
  @ApiProperty() customerId!: string;
  @ApiProperty() setupIntentId!: string;
  @ApiProperty({ description: 'For the browser to confirm the SetupIntent with the provider.' }) clientSecret!: string;
  @ApiProperty(position) position!: string | null;
}

export class PayoutAccountResponse {
  @ApiProperty() trainerId!: string;
  @ApiProperty() accountId!: string;
  @ApiProperty({ example: 'US', description: 'ISO 3166-1 alpha-2, as the provider has it.' }) country!: string;
  @ApiProperty() payoutsEnabled!: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'Where the trainer completes onboarding at the provider.' }) onboardingUrl!: string | null;
  @ApiProperty(position) position!: string | null;
}

export class SubscriptionResponse {
  @ApiProperty() planId!: string;
  @ApiProperty({ type: String, nullable: true }) planName!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '49.00' }) monthlyPrice!: string | null;
  @ApiProperty({ enum: ['USD'] }) currency!: string;
  @ApiProperty() subscriptionId!: string;
  @ApiProperty({ enum: [...subscriptionStatuses] }) status!: string;
  @ApiProperty() active!: boolean;
  @ApiProperty(instant) currentPeriodEnd!: string | null;
  @ApiProperty({ type: String, nullable: true, description: "The provider's invoice, never a milestone invoice." }) providerInvoiceId!: string | null;
  @ApiProperty(instant) canceledAt!: string | null;
  @ApiProperty({ enum: ['employer', 'provider'], nullable: true }) canceledBy!: string | null;
}

export class EmployerSubscriptionResponse {
  @ApiProperty() employerId!: string;
  @ApiProperty({ enum: [...employerAccountTypes] }) accountType!: string;
  @ApiProperty({ description: 'Funding is allowed as far as plans go: standard accounts always, agencies with an active plan.' }) mayFund!: boolean;
  @ApiProperty({ type: SubscriptionResponse, nullable: true }) subscription!: SubscriptionResponse | null;
}

/** After a write: the same view, and the write's position (null when nothing changed). */
export class EmployerSubscriptionChangedResponse extends EmployerSubscriptionResponse {
  @ApiProperty({ type: String, nullable: true, description: 'The global log position of the write; null when nothing changed.' }) position!: string | null;
}
