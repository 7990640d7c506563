import { Controller, Get, Logger, Param, Query, Res } from '@nestjs/common';
import type { Actor } from '@escrow/domain';
import type { Response } from 'express';
import { CurrentActor, Roles } from '../auth/auth.guard';
import { AccountEntriesQueryDto, BalancesQueryDto, EntriesCsvQueryDto, TrialBalanceQueryDto } from './ledger.dtos';
import { LedgerQueries } from './ledger.query';

/**
 * The escrow ledger (README, "Double-entry ledger"). Account names contain ':' and may come
 * URL-encoded or not; Express decodes the path parameter either way.
 */
@Controller('v1/ledger')
export class LedgerController {
  private readonly logger = new Logger('Ledger');

  constructor(private readonly queries: LedgerQueries) {}

  @Get('trial-balance')
  @Roles('finance', 'support')
  trialBalance(@Query() query: TrialBalanceQueryDto) {
    return this.queries.trialBalance(query);
  }

  @Get('balances')
  @Roles('finance', 'support', 'employer', 'trainer')
  balances(@Query() query: BalancesQueryDto, @CurrentActor() actor: Actor) {
    return this.queries.balances(actor, query);
  }

  @Get('accounts/:account')
  @Roles('finance', 'support', 'employer', 'trainer')
  account(@Param('account') account: string, @Query() query: AccountEntriesQueryDto, @CurrentActor() actor: Actor) {
    return this.queries.accountEntries(actor, account, query);
  }

  @Get('entries.csv')
  @Roles('finance', 'support')
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
