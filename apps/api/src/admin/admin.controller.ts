import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { Roles } from '../auth/auth.guard';
import { EmptyDto } from '../contracts/contract.dtos';
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
  resolve(@Param('id', StuckId) id: string, @Body() _: EmptyDto) {
    return this.stuck.resolve(id);
  }
}
