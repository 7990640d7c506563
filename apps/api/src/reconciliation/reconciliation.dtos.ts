import { IsOptional, IsString, MaxLength } from 'class-validator';

const queryValueLengthMax = 100;

/** Declared so that an unknown or repeated parameter is refused by name; reconciliation-period.ts gives meaning. */
export class ReconciliationQueryDto {
  @IsOptional() @IsString() @MaxLength(queryValueLengthMax)
  from?: string;

  @IsOptional() @IsString() @MaxLength(queryValueLengthMax)
  to?: string;
}
