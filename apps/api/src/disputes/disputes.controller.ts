import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { disputeResponse, findDisputes } from '@escrow/projections/disputes';
import { CLOCK, SQL_DB, type Clock } from '@escrow/runtime';
import type { SqlDb } from '@escrow/sql';
import { Roles } from '../auth/auth.guard';
import { ApiPartyToken } from '../openapi/operation-docs';
import { DisputesResponse } from './disputes.responses';
import { parseDisputeStatus, parseDisputesLimit, parseOlderThan } from './disputes.params';

/** Support's disputes queue: every dispute (a party's or a chargeback), oldest first. */
@ApiTags('disputes')
@ApiPartyToken()
@Controller('v1/disputes')
export class DisputesController {
  constructor(
    @Inject(SQL_DB) private readonly db: SqlDb,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @Roles('support')
  @ApiOperation({ summary: "Support's disputes queue, oldest first (support)." })
  @ApiQuery({ name: 'status', required: false, enum: ['open', 'resolved'], description: 'Absent: both.' })
  @ApiQuery({ name: 'olderThan', required: false, type: String, description: 'Only disputes opened before this: an ISO 8601 duration back from now (P7D, PT48H) or an instant.' })
  @ApiQuery({ name: 'limit', required: false, type: String, description: 'At most this many.' })
  @ApiOkResponse({ type: DisputesResponse })
  async list(@Query('status') rawStatus?: string, @Query('olderThan') rawOlderThan?: string, @Query('limit') rawLimit?: string) {
    const now = this.clock.now();
    const status = parseDisputeStatus(rawStatus);
    const openedBefore = parseOlderThan(rawOlderThan, now);
    const limit = parseDisputesLimit(rawLimit);
    const entries = await findDisputes(this.db, { status, openedBefore, limit });
    return { asOf: now.toISOString(), openedBefore, disputes: entries.map((entry) => disputeResponse(entry, now)) };
  }
}
