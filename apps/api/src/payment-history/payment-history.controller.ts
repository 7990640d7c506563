import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@escrow/domain';
import { CurrentActor } from '../auth/auth.guard';
import { ApiErrors } from '../http/error.responses';
import { PathId } from '../http/path-id.pipe';
import { ApiMinPosition, ApiPartyToken, ApiPathId } from '../openapi/operation-docs';
import { PaymentHistoryResponse } from './payment-history.responses';
import { PaymentHistoryQueries } from './payment-history.query';

@ApiTags('contracts')
@ApiPartyToken()
@Controller('v1/contracts')
export class PaymentHistoryController {
  constructor(private readonly queries: PaymentHistoryQueries) {}

  /** Every released milestone (approval or dispute release/split) and refund; `?minPosition=` waits for a write. */
  @Get(':cid/payments')
  @ApiOperation({ summary: 'Released milestones and refunds of a contract.' })
  @ApiPathId('cid', 'The contract.')
  @ApiMinPosition()
  @ApiOkResponse({ type: PaymentHistoryResponse })
  @ApiErrors(404, 503)
  payments(@Param('cid', PathId) contractId: string, @CurrentActor() actor: Actor, @Query('minPosition') minPosition?: string) {
    return this.queries.payments(contractId, actor, minPosition);
  }
}
