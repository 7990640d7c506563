import { Controller, Get, Query } from '@nestjs/common';
import { Roles } from '../auth/auth.guard';
import { ReconciliationQueryDto } from './reconciliation.dtos';
import { ReconciliationQuery } from './reconciliation.query';

@Controller('v1/ledger/reconciliation')
export class ReconciliationController {
  constructor(private readonly reconciliation: ReconciliationQuery) {}

  /** Reads the provider's lists for the period: seconds, not milliseconds, so finance and support only. */
  @Get()
  @Roles('finance', 'support')
  report(@Query() query: ReconciliationQueryDto) {
    return this.reconciliation.report(query);
  }
}
