import { Controller, Get, Logger, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@escrow/domain';
import type { Response } from 'express';
import { CurrentActor, Roles } from '../auth/auth.guard';
import { ApiErrors } from '../http/error.responses';
import { ApiFile, ApiPartyToken } from '../openapi/operation-docs';
import { AccountEntriesQueryDto, BalancesQueryDto, EntriesCsvQueryDto, TrialBalanceQueryDto } from './ledger.dtos';
import { LedgerQueries } from './ledger.query';
import { AccountEntriesResponse, BalancesResponse, TrialBalanceResponse } from './ledger.responses';

/**
 * The escrow ledger (README, "Double-entry ledger"). Account names contain ':' and may come
 * URL-encoded or not; Express decodes the path parameter either way.
 */
@ApiTags('ledger')
@ApiPartyToken()
@Controller('v1/ledger')
export class LedgerController {
  private readonly logger = new Logger('Ledger');

  constructor(private readonly queries: LedgerQueries) {}

  @Get('trial-balance')
  @Roles('finance', 'support')
  @ApiOperation({ summary: 'Every account with its debits, credits and balance, and whether they balance (finance, support).' })
  @ApiOkResponse({ type: TrialBalanceResponse })
  @ApiErrors(503)
  trialBalance(@Query() query: TrialBalanceQueryDto) {
    return this.queries.trialBalance(query);
  }

  @Get('balances')
  @Roles('finance', 'support', 'employer', 'trainer')
  @ApiOperation({ summary: "Account balances the caller may see: a party only its own contracts' accounts." })
  @ApiOkResponse({ type: BalancesResponse })
  @ApiErrors(503)
  balances(@Query() query: BalancesQueryDto, @CurrentActor() actor: Actor) {
    return this.queries.balances(actor, query);
  }

  @Get('accounts/:account')
  @Roles('finance', 'support', 'employer', 'trainer')
  @ApiOperation({ summary: "One page of an account's entries, each with the balance after it." })
  @ApiParam({ name: 'account', description: 'An account name such as `escrow:contract:c_1` (URL-encoded or not).', schema: { type: 'string' } })
  @ApiOkResponse({ type: AccountEntriesResponse })
  @ApiErrors(404, 503)
  account(@Param('account') account: string, @Query() query: AccountEntriesQueryDto, @CurrentActor() actor: Actor) {
    return this.queries.accountEntries(actor, account, query);
  }

  @Get('entries.csv')
  @Roles('finance', 'support')
  @ApiOperation({ summary: 'Every ledger entry in the range as CSV, streamed (finance, support).' })
  @ApiFile('text/csv', 'The entries (Content-Disposition: attachment; filename="ledger-entries.csv").')
  @ApiErrors(503)
  async entriesCsv(@Query() query: EntriesCsvQueryDto, @Res() response: Response): Promise<void> {
    const writeAll = await this.queries.entriesCsv(query);
    response.status(200);
    response.setHeader('content-type', 'text/csv; charset=utf-8');
    response.setHeader('content-disposition', 'attachment; filename="ledger-entries.csv"');
    try {
      await writeAll((chunk) => writeWithBackpressure(response, chunk));
      response.end();
    } catch (error) {
      // Headers are gone: cut the connection so a half export never looks like a whole one.
      this.logger.error(`entries.csv failed mid-stream: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      response.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  }
}

/** Resolves true when the client can take more, false when it has gone away. */
function writeWithBackpressure(response: Response, chunk: string): Promise<boolean> {
  if (response.destroyed) return Promise.resolve(false);
  if (response.write(chunk)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (more: boolean) => () => {
      response.off('drain', onDrain);
      response.off('close', onClose);
      resolve(more);
    };
    const onDrain = done(true);
    const onClose = done(false);
    response.once('drain', onDrain);
    response.once('close', onClose);
  });
}
