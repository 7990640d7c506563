import { Controller, Get, Param, Query } from '@nestjs/common';
import type { Actor } from '@escrow/domain';
import { CurrentActor } from '../auth/auth.guard';
import { PathId } from '../http/path-id.pipe';
import { PaymentHistoryQueries } from './payment-history.query';

@Controller('v1/contracts')
export class PaymentHistoryController {
  constructor(private readonly queries: PaymentHistoryQueries) {}

  /** Every released milestone (approval or dispute release/split) and refund; `?minPosition=` waits for a write. */
  @Get(':cid/payments')
  payments(@Param('cid', PathId) contractId: string, @CurrentActor() actor: Actor, @Query('minPosition') minPosition?: string) {
    return this.queries.payments(contractId, actor, minPosition);
  }
}
