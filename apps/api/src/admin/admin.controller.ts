import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@escrow/domain';
import { CurrentActor, Roles, type AuthenticatedRequest } from '../auth/auth.guard';
import { EmptyDto } from '../contracts/contract.dtos';
import { ApiErrors } from '../http/error.responses';
import { requestContext } from '../http/request-context';
import { ApiIdempotencyKey, ApiPartyToken } from '../openapi/operation-docs';
import { StuckListResponse, StuckResolvedResponse, StuckRetriedResponse } from './admin.responses';
import { ResolveStuckDto } from './admin.dtos';
import { StuckId } from './stuck-id.pipe';
import { StuckPayments } from './stuck-payments';

@ApiTags('admin')
@ApiPartyToken()
@Controller('v1/admin/payments/stuck')
@Roles('support')
export class AdminController {
  constructor(private readonly stuck: StuckPayments) {}

  @Get()
  @ApiOperation({ summary: 'Payments that gave up or are still retrying, failed webhooks, refused outcomes (support).' })
  @ApiOkResponse({ type: StuckListResponse })
  list() {
    return this.stuck.list();
  }

  @Post(':id/retry')
  @HttpCode(202)
  @ApiOperation({ summary: 'Run a stuck item again from its first attempt, under the same key (support).' })
  @ApiIdempotencyKey()
  @ApiParam({ name: 'id', description: 'A stuck item id from the list.', schema: { type: 'string' } })
  @ApiAcceptedResponse({ type: StuckRetriedResponse })
  @ApiErrors(404, 409)
  retry(@Param('id', StuckId) id: string, @Body() _: EmptyDto) {
    return this.stuck.retry(id);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @ApiOperation({ summary: 'Settle a stuck item by hand, or record a refund made at the provider outside the ledger (support).' })
  @ApiIdempotencyKey()
  @ApiParam({ name: 'id', description: 'A stuck item id from the list.', schema: { type: 'string' } })
  @ApiOkResponse({ type: StuckResolvedResponse })
  @ApiErrors(404, 409, 422, 502, 503)
  resolve(@Param('id', StuckId) id: string, @Body() body: ResolveStuckDto, @CurrentActor() actor: Actor, @Req() request: AuthenticatedRequest) {
    return this.stuck.resolve(id, body, requestContext(actor, request));
  }
}
