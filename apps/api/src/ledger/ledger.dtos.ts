import { IsOptional, IsString, MaxLength } from 'class-validator';

/**
 * Query strings of the ledger routes: declared so that an unknown parameter is refused by name
 * and a repeated one (an array) is not a string. ledger.params.ts gives the values meaning.
 */
const queryValueLengthMax = 200;

export class TrialBalanceQueryDto {
  @IsOptional() @IsString() @MaxLength(queryValueLengthMax)
  asOf?: string;
}

export class BalancesQueryDto {
  @IsOptional() @IsString() @MaxLength(queryValueLengthMax)
  asOf?: string;

  @IsOptional() @IsString() @MaxLength(queryValueLengthMax)
  prefix?: string;
}

export class AccountEntriesQueryDto {
  @IsOptional() @IsString() @MaxLength(queryValueLengthMax)
  from?: string;

  @IsOptional() @IsString() @MaxLength(queryValueLengthMax)
  to?: string;

  @IsOptional() @IsString() @MaxLength(queryValueLengthMax)
  limit?: string;

  @IsOptional() @IsString() @MaxLength(queryValueLengthMax)
  cursor?: string;
}

export class EntriesCsvQueryDto {
  @IsOptional() @IsString() @MaxLength(queryValueLengthMax)
  from?: string;

  @IsOptional() @IsString() @MaxLength(queryValueLengthMax)
  to?: string;
}
