import { Controller, Get, Inject, Query } from '@nestjs/common';
import { disputeResponse, findDisputes } from '@escrow/projections/disputes';
import { CLOCK, SQL_DB, type Clock } from '@escrow/runtime';
import type { SqlDb } from '@escrow/sql';
import { Roles } from '../auth/auth.guard';
import { parseDisputeStatus, parseDisputesLimit, parseOlderThan } from './disputes.params';

/** Support's disputes queue: every dispute (a party's or a chargeback), oldest first. */
@Controller('v1/disputes')
export class DisputesController {
  constructor(
    @Inject(SQL_DB) private readonly db: SqlDb,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @Roles('support')
  async list(@Query('status') rawStatus?: string, @Query('olderThan') rawOlderThan?: string, @Query('limit') rawLimit?: string) {
    const now = this.clock.now();
    const status = parseDisputeStatus(rawStatus);
    const openedBefore = parseOlderThan(rawOlderThan, now);
    const limit = parseDisputesLimit(rawLimit);
    const entries = await findDisputes(this.db, { status, openedBefore, limit });
    return { asOf: now.toISOString(), openedBefore, disputes: entries.map((entry) => disputeResponse(entry, now)) };
  }
}
