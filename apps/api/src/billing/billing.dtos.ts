import { IsString, Matches } from 'class-validator';

export class AttachPaymentMethodDto {
  @IsString()
  @Matches(/^pm_[A-Za-z0-9_]{1,100}$/, { message: 'paymentMethodId must be a payment method id such as pm_card_visa' })
  paymentMethodId!: string;
}
