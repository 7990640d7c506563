import { Body, Controller, HttpCode, Param, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Actor } from '@escrow/domain';
import { CurrentActor, Roles, type AuthenticatedRequest } from '../auth/auth.guard';
import { EmptyDto } from '../contracts/contract.dtos';
import { PathId } from '../http/path-id.pipe';
import { requestContext } from '../http/request-context';
import { AttachPaymentMethod, ConnectPayoutAccount, StartPaymentMethodSetup } from './billing.commands';
import { AttachPaymentMethodDto, ConnectPayoutAccountDto } from './billing.dtos';

@Controller('v1')
export class BillingController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post('employers/:id/payment-method')
  @HttpCode(200)
  @Roles('employer')
  attach(@Param('id', PathId) employerId: string, @Body() body: AttachPaymentMethodDto, @CurrentActor() actor: Actor, @Req() request: AuthenticatedRequest) {
    return this.commandBus.execute(new AttachPaymentMethod(employerId, body.paymentMethodId, requestContext(actor, request)) as never);
  }

  @Post('employers/:id/setup-intent')
  @HttpCode(200)
  @Roles('employer')
  setupIntent(@Param('id', PathId) employerId: string, @Body() _: EmptyDto, @CurrentActor() actor: Actor, @Req() request: AuthenticatedRequest) {
    return this.commandBus.execute(new StartPaymentMethodSetup(employerId, requestContext(actor, request)) as never);
  }

  @Post('trainers/:id/payout-account')
  @HttpCode(200)
  @Roles('trainer')
  connect(@Param('id', PathId) trainerId: string, @Body() body: ConnectPayoutAccountDto, @CurrentActor() actor: Actor, @Req() request: AuthenticatedRequest) {
    return this.commandBus.execute(new ConnectPayoutAccount(trainerId, requestContext(actor, request), body.country ?? undefined) as never);
  }
}

