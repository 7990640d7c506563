import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

const queryValueLengthMax = 100;

/** Declared so that an unknown or repeated parameter is refused by name; reconciliation-period.ts gives meaning. */
export class ReconciliationQueryDto {
  @ApiPropertyOptional({ description: 'The start of the period: a date or an ISO instant (see reconciliation-period.ts for the default).' })
  @IsOptional() @IsString() @MaxLength(queryValueLengthMax)
  from?: string;

  @ApiPropertyOptional({ description: 'The end of the period: a date or an ISO instant.' })
  @IsOptional() @IsString() @MaxLength(queryValueLengthMax)
  to?: string;
}
