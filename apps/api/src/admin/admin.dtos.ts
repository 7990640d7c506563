import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, Matches, ValidateNested } from 'class-validator';

/** Stripe's refund ids (`re_…`, `pyr_…` for some payment methods): letters and digits after the prefix. */
const refundIdPattern = /^(re|pyr)_[A-Za-z0-9]{1,100}$/;

export class ExternalRefundDto {
  @ApiProperty({ pattern: refundIdPattern.source, example: 're_3Nx0Yc2eZvKYlo2C1Aa2Bb3C' })
  @IsString()
  @Matches(refundIdPattern, { message: 'refundId must be a refund id of the payment provider, such as re_3Nx0Yc2eZvKYlo2C1Aa2Bb3C' })
  refundId!: string;
}

/**
 * Support settles a stuck item. `{}` closes a refused outcome settled by hand; `externalRefund`
 * settles a refund the saga gave up on with the refund made at the provider outside the ledger.
 */
export class ResolveStuckDto {
  @ApiPropertyOptional({ type: ExternalRefundDto, description: 'Settles a refund the saga gave up on with the refund made at the provider.' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ExternalRefundDto)
  externalRefund?: ExternalRefundDto;
}
