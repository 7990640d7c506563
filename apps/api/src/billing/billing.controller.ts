import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@escrow/domain';
import { CurrentActor, Roles, type AuthenticatedRequest } from '../auth/auth.guard';
import { EmptyDto } from '../contracts/contract.dtos';
import { ApiErrors } from '../http/error.responses';
import { PathId } from '../http/path-id.pipe';
import { ApiIdempotencyKey, ApiPartyToken, ApiPathId } from '../openapi/operation-docs';
import { requestContext } from '../http/request-context';
import { AttachPaymentMethod, ConnectPayoutAccount, StartPaymentMethodSetup } from './billing.commands';
import {
  EmployerSubscriptionChangedResponse,
  EmployerSubscriptionResponse,
  PaymentMethodAttachedResponse,
  PayoutAccountResponse,
  SetupIntentResponse,
} from './billing.responses';
import { AttachPaymentMethodDto, ConnectPayoutAccountDto, SetAccountTypeDto, SubscribeDto } from './billing.dtos';
import { CancelEmployerSubscription, EmployerSubscriptionQuery, SetEmployerAccountType, Subscribe } from './subscription.commands';

@ApiTags('billing')
@ApiPartyToken()
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
  @ApiOperation({ summary: 'Subscribe the employer to an agency plan (employer).' })
  @ApiIdempotencyKey()
  @ApiPathId('id', 'The employer.')
  @ApiCreatedResponse({ type: EmployerSubscriptionChangedResponse })
  @ApiErrors(409, 422, 502, 503)
  subscribe(@Param('id', PathId) employerId: string, @Body() body: SubscribeDto, @CurrentActor() actor: Actor, @Req() request: AuthenticatedRequest) {
    return this.commandBus.execute(new Subscribe(employerId, body.planId, requestContext(actor, request)) as never);
  }

  /** The employer ends its own plan at once; an agency then needs a new subscription to fund. */
  @Delete('employers/:id/subscription')
  @HttpCode(200)
  @Roles('employer')
  @ApiOperation({ summary: "End the employer's plan at once (employer)." })
  @ApiIdempotencyKey()
  @ApiPathId('id', 'The employer.')
  @ApiOkResponse({ type: EmployerSubscriptionChangedResponse })
  @ApiErrors(409, 422, 502, 503)
  cancelSubscription(@Param('id', PathId) employerId: string, @CurrentActor() actor: Actor, @Req() request: AuthenticatedRequest) {
    return this.commandBus.execute(new CancelEmployerSubscription(employerId, requestContext(actor, request)) as never);
  }

  @Get('employers/:id/subscription')
  @Roles('employer', 'finance', 'support')
  @ApiOperation({ summary: "The employer's account type and plan." })
  @ApiPathId('id', 'The employer.')
  @ApiOkResponse({ type: EmployerSubscriptionResponse })
  subscription(@Param('id', PathId) employerId: string, @CurrentActor() actor: Actor) {
    return this.subscriptions.read(employerId, actor);
  }

  /** Support or finance marks an account as an agency (a plan is then needed to fund) or standard. */
  @Post('employers/:id/account-type')
  @HttpCode(200)
  @Roles('support', 'finance')
  @ApiOperation({ summary: 'Mark an employer as an agency or a standard account (support, finance).' })
  @ApiIdempotencyKey()
  @ApiPathId('id', 'The employer.')
  @ApiOkResponse({ type: EmployerSubscriptionChangedResponse })
  @ApiErrors(409, 422)
  accountType(@Param('id', PathId) employerId: string, @Body() body: SetAccountTypeDto, @CurrentActor() actor: Actor, @Req() request: AuthenticatedRequest) {
    return this.commandBus.execute(new SetEmployerAccountType(employerId, body.accountType, requestContext(actor, request)) as never);
  }

  @Post('employers/:id/payment-method')
  @HttpCode(200)
  @Roles('employer')
  @ApiOperation({ summary: 'Attach a payment method to the employer (employer).' })
  @ApiIdempotencyKey()
  @ApiPathId('id', 'The employer.')
  @ApiOkResponse({ type: PaymentMethodAttachedResponse })
  @ApiErrors(409, 422, 502, 503)
  attach(@Param('id', PathId) employerId: string, @Body() body: AttachPaymentMethodDto, @CurrentActor() actor: Actor, @Req() request: AuthenticatedRequest) {
    return this.commandBus.execute(new AttachPaymentMethod(employerId, body.paymentMethodId, requestContext(actor, request)) as never);
  }

  @Post('employers/:id/setup-intent')
  @HttpCode(200)
  @Roles('employer')
  @ApiOperation({ summary: 'Start adding a payment method in the browser: a SetupIntent (employer).' })
  @ApiIdempotencyKey()
  @ApiPathId('id', 'The employer.')
  @ApiOkResponse({ type: SetupIntentResponse })
  @ApiErrors(409, 422, 502, 503)
  setupIntent(@Param('id', PathId) employerId: string, @Body() _: EmptyDto, @CurrentActor() actor: Actor, @Req() request: AuthenticatedRequest) {
    return this.commandBus.execute(new StartPaymentMethodSetup(employerId, requestContext(actor, request)) as never);
  }

  @Post('trainers/:id/payout-account')
  @HttpCode(200)
  @Roles('trainer')
  @ApiOperation({ summary: "Open or refresh the trainer's payout account (trainer)." })
  @ApiIdempotencyKey()
  @ApiPathId('id', 'The trainer.')
  @ApiOkResponse({ type: PayoutAccountResponse })
  @ApiErrors(409, 422, 502, 503)
  connect(@Param('id', PathId) trainerId: string, @Body() body: ConnectPayoutAccountDto, @CurrentActor() actor: Actor, @Req() request: AuthenticatedRequest) {
    return this.commandBus.execute(new ConnectPayoutAccount(trainerId, requestContext(actor, request), body.country ?? undefined) as never);
  }
}

