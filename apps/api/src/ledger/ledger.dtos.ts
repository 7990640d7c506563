import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/**
 * Query strings of the ledger routes: declared so that an unknown parameter is refused by name
 * and a repeated one (an array) is not a string. ledger.params.ts gives the values meaning.
 */
const queryValueLengthMax = 200;

export class TrialBalanceQueryDto {
  @ApiPropertyOptional({ description: 'A global position or an ISO instant: the balances as they stood then.' })
  @IsOptional() @IsString() @MaxLength(queryValueLengthMax)
  asOf?: string;
}

export class BalancesQueryDto {
  @ApiPropertyOptional({ description: 'A global position or an ISO instant: the balances as they stood then.' })
  @IsOptional() @IsString() @MaxLength(queryValueLengthMax)
  asOf?: string;

  @ApiPropertyOptional({ description: 'Only accounts whose name starts with this, such as `escrow:`.' })
  @IsOptional() @IsString() @MaxLength(queryValueLengthMax)
  prefix?: string;
}

export class AccountEntriesQueryDto {
  @ApiPropertyOptional({ description: 'A position or an ISO instant: entries at or after it.' })
  @IsOptional() @IsString() @MaxLength(queryValueLengthMax)
  from?: string;

  @ApiPropertyOptional({ description: 'A position or an ISO instant: entries at or before it.' })
  @IsOptional() @IsString() @MaxLength(queryValueLengthMax)
  to?: string;

  @ApiPropertyOptional({ description: 'Entries per page: a whole number from 1 to 1000 (default 100).' })
  @IsOptional() @IsString() @MaxLength(queryValueLengthMax)
  limit?: string;

  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page.' })
  @IsOptional() @IsString() @MaxLength(queryValueLengthMax)
  cursor?: string;
}

export class EntriesCsvQueryDto {
  @ApiPropertyOptional({ description: 'A position or an ISO instant: entries at or after it.' })
  @IsOptional() @IsString() @MaxLength(queryValueLengthMax)
  from?: string;

  @ApiPropertyOptional({ description: 'A position or an ISO instant: entries at or before it.' })
  @IsOptional() @IsString() @MaxLength(queryValueLengthMax)
  to?: string;
}
