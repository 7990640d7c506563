import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { Actor } from '@escrow/domain';
import { CurrentActor, Roles, type AuthenticatedRequest } from '../auth/auth.guard';
import { EmptyDto } from '../contracts/contract.dtos';
import { requestContext } from '../http/request-context';
import { ResolveStuckDto } from './admin.dtos';
import { StuckId } from './stuck-id.pipe';
import { StuckPayments } from './stuck-payments';

@Controller('v1/admin/payments/stuck')
@Roles('support')
export class AdminController {
  constructor(private readonly stuck: StuckPayments) {}

  @Get()
  list() {
    return this.stuck.list();
  }

  @Post(':id/retry')
  @HttpCode(202)
  retry(@Param('id', StuckId) id: string, @Body() _: EmptyDto) {
    return this.stuck.retry(id);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  resolve(@Param('id', StuckId) id: string, @Body() body: ResolveStuckDto, @CurrentActor() actor: Actor, @Req() request: AuthenticatedRequest) {
    return this.stuck.resolve(id, body, requestContext(actor, request));
  }
}
