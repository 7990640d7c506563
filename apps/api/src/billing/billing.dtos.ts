import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { employerAccountTypes, type EmployerAccountType } from '@escrow/domain';
import { countryCodePattern, planIdPattern } from '@escrow/runtime';

export class AttachPaymentMethodDto {
  @ApiProperty({ pattern: '^pm_[A-Za-z0-9_]{1,100}$', example: 'pm_card_visa' })
  @IsString()
  @Matches(/^pm_[A-Za-z0-9_]{1,100}$/, { message: 'paymentMethodId must be a payment method id such as pm_card_visa' })
  paymentMethodId!: string;
}

/**
 * POST /v1/trainers/:id/payout-account. `country`: where a new payout account is opened, ISO
 * 3166-1 alpha-2 in capitals. Omitted (or null, like every optional field): the recorded account's
 * country, or US for a new account.
 */
export class ConnectPayoutAccountDto {
  @ApiPropertyOptional({ type: String, nullable: true, pattern: countryCodePattern.source, example: 'GB', description: 'Where a new payout account is opened; default: the recorded one, or US.' })
  @IsOptional()
  @IsString()
  @Matches(countryCodePattern, { message: 'country must be an ISO 3166-1 alpha-2 country code in capitals, such as US or GB' })
  country?: string;
}

/** POST /v1/employers/:id/subscription. `planId`: a configured plan (SUBSCRIPTION_PLANS); an unknown one is a 422. */
export class SubscribeDto {
  @ApiProperty({ pattern: planIdPattern.source, description: 'A configured plan (SUBSCRIPTION_PLANS); an unknown one is a 422.' })
  @IsString()
  @Matches(planIdPattern, { message: 'planId must be a plan id: lower-case letters, digits, _ or -, at most 64' })
  planId!: string;
}

/** POST /v1/employers/:id/account-type (support, finance). */
export class SetAccountTypeDto {
  @ApiProperty({ enum: [...employerAccountTypes] })
  @IsString()
  @IsIn(employerAccountTypes as EmployerAccountType[], { message: `accountType must be one of ${employerAccountTypes.join(', ')}` })
  accountType!: EmployerAccountType;
}
