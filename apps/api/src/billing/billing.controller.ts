import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Actor } from '@escrow/domain';
import { CurrentActor, Roles, type AuthenticatedRequest } from '../auth/auth.guard';
import { EmptyDto } from '../contracts/contract.dtos';
import { PathId } from '../http/path-id.pipe';
import { requestContext } from '../http/request-context';
import { AttachPaymentMethod, ConnectPayoutAccount, StartPaymentMethodSetup } from './billing.commands';
import { AttachPaymentMethodDto, ConnectPayoutAccountDto, SetAccountTypeDto, SubscribeDto } from './billing.dtos';
import { CancelEmployerSubscription, EmployerSubscriptionQuery, SetEmployerAccountType, Subscribe } from './subscription.commands';

@Controller('v1')
export class BillingController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly subscriptions: EmployerSubscriptionQuery,
  ) {}

  /** Agency plans: the employer subscribes itself; billed by the provider apart from milestone charges. */
  @Post('employers/:id/subscription')
  @HttpCode(201)
  @Roles('employer')
  subscribe(@Param('id', PathId) employerId: string, @Body() body: SubscribeDto, @CurrentActor() actor: Actor, @Req() request: AuthenticatedRequest) {
    return this.commandBus.execute(new Subscribe(employerId, body.planId, requestContext(actor, request)) as never);
  }

  /** The employer ends its own plan at once; an agency then needs a new subscription to fund. */
  @Delete('employers/:id/subscription')
  @HttpCode(200)
  @Roles('employer')
  cancelSubscription(@Param('id', PathId) employerId: string, @CurrentActor() actor: Actor, @Req() request: AuthenticatedRequest) {
    return this.commandBus.execute(new CancelEmployerSubscription(employerId, requestContext(actor, request)) as never);
  }

  @Get('employers/:id/subscription')
  @Roles('employer', 'finance', 'support')
  subscription(@Param('id', PathId) employerId: string, @CurrentActor() actor: Actor) {
    return this.subscriptions.read(employerId, actor);
  }

  /** Support or finance marks an account as an agency (a plan is then needed to fund) or standard. */
  @Post('employers/:id/account-type')
  @HttpCode(200)
  @Roles('support', 'finance')
  accountType(@Param('id', PathId) employerId: string, @Body() body: SetAccountTypeDto, @CurrentActor() actor: Actor, @Req() request: AuthenticatedRequest) {
    return this.commandBus.execute(new SetEmployerAccountType(employerId, body.accountType, requestContext(actor, request)) as never);
  }

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

