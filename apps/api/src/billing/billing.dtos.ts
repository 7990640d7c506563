import { IsOptional, IsString, Matches } from 'class-validator';
import { countryCodePattern } from '@escrow/runtime';

export class AttachPaymentMethodDto {
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
  @IsOptional()
  @IsString()
  @Matches(countryCodePattern, { message: 'country must be an ISO 3166-1 alpha-2 country code in capitals, such as US or GB' })
  country?: string;
}
