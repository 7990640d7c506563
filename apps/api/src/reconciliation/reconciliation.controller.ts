import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/auth.guard';
import { ApiErrors } from '../http/error.responses';
import { ApiPartyToken } from '../openapi/operation-docs';
import { ReconciliationQueryDto } from './reconciliation.dtos';
import { ReconciliationQuery } from './reconciliation.query';
import { ReconciliationReportResponse } from './reconciliation.responses';

@ApiTags('ledger')
@ApiPartyToken()
@Controller('v1/ledger/reconciliation')
export class ReconciliationController {
  constructor(private readonly reconciliation: ReconciliationQuery) {}

  /** Reads the provider's lists for the period: seconds, not milliseconds, so finance and support only. */
  @Get()
  @Roles('finance', 'support')
  @ApiOperation({ summary: "Compare the log with the payment provider's lists for a period (finance, support)." })
  @ApiOkResponse({ type: ReconciliationReportResponse })
  @ApiErrors(502, 503)
  report(@Query() query: ReconciliationQueryDto) {
    return this.reconciliation.report(query);
  }
}
