import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { customerOf, requireThisEmployer, requireThisTrainer } from '@escrow/domain';
import type { PaymentGateway } from '@escrow/payments';
import { CommandHandling, PAYMENT_GATEWAY, requestScopedId } from '@escrow/runtime';
import type { RequestContext } from '../http/request-context';
import { providerCall } from './provider-call';

/** The gateway keeps the method (we never see card data); the employer stream records which one. */
export class AttachPaymentMethod {
  constructor(
    readonly employerId: string,
    readonly paymentMethodId: string,
    readonly context: RequestContext,
  ) {}
}

@CommandHandler(AttachPaymentMethod)
export class AttachPaymentMethodHandler implements ICommandHandler<AttachPaymentMethod> {
  constructor(
    private readonly commands: CommandHandling,
    @Inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway,
  ) {}

  async execute({ employerId, paymentMethodId, context }: AttachPaymentMethod) {
    const { actor } = context;
    // The decider's own rule, asked before the gateway: nobody creates customers for someone else.
    requireThisEmployer(actor, employerId, 'AttachPaymentMethod');
    const customerId = customerOf(await this.commands.loadEmployer(employerId));
    const attached = await providerCall(`attach payment method for employer ${employerId}`, () =>
      this.gateway.attachPaymentMethod({
        idempotencyKey: `attach-payment-method:${employerId}:${paymentMethodId}`,
        employerId,
        paymentMethodId,
        customerId,
      }),
    );
    const result = await this.commands.employer(
      employerId,
      { type: 'AttachPaymentMethod', actor, data: { employerId, ...attached } },
      { ...context, causationId: context.correlationId },
    );
    return { employerId, ...attached, position: result.position };
  }
}

export class ConnectPayoutAccount {
  constructor(
    readonly trainerId: string,
    readonly context: RequestContext,
  ) {}
}

@CommandHandler(ConnectPayoutAccount)
export class ConnectPayoutAccountHandler implements ICommandHandler<ConnectPayoutAccount> {
  constructor(
    private readonly commands: CommandHandling,
    @Inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway,
  ) {}

  async execute({ trainerId, context }: ConnectPayoutAccount) {
    const { actor } = context;
    // The decider's own rule, asked before the gateway creates an account.
    requireThisTrainer(actor, trainerId);
    const known = (await this.commands.loadTrainer(trainerId)).payoutAccount;
    const account = await providerCall(`payout account for trainer ${trainerId}`, () =>
      this.gateway.createPayoutAccount({ idempotencyKey: `payout-account:${trainerId}`, trainerId, accountId: known?.accountId ?? null }),
    );
    const result = await this.commands.trainer(
      trainerId,
      { type: 'ConnectPayoutAccount', actor, data: { trainerId, accountId: account.accountId, payoutsEnabled: account.payoutsEnabled } },
      { ...context, causationId: context.correlationId },
    );
    return { trainerId, ...account, position: result.position };
  }
}

export class StartPaymentMethodSetup {
  constructor(
    readonly employerId: string,
    readonly context: RequestContext,
  ) {}
}

/**
 * The client-side half of adding a payment method: the browser confirms the returned SetupIntent
 * with Stripe's own form (we never see card data), then posts the payment method id back.
 */
@CommandHandler(StartPaymentMethodSetup)
export class StartPaymentMethodSetupHandler implements ICommandHandler<StartPaymentMethodSetup> {
  constructor(
    private readonly commands: CommandHandling,
    @Inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway,
  ) {}

  async execute({ employerId, context }: StartPaymentMethodSetup) {
    const { actor } = context;
    // The decider's own rule, asked before the gateway creates a customer and a setup intent.
    requireThisEmployer(actor, employerId, 'StartPaymentMethodSetup');
    const known = customerOf(await this.commands.loadEmployer(employerId));
    const intent = await providerCall(`setup intent for employer ${employerId}`, () =>
      this.gateway.createSetupIntent({
        // The same key when this request is re-run under its Idempotency-Key: one SetupIntent, not two.
        idempotencyKey: `setup-intent:${employerId}:${requestScopedId('setup-intent')}`,
        employerId,
        customerId: known,
      }),
    );
    // Recorded before answering: the customer outlives the provider's 24-hour idempotency memory.
    const result = await this.commands.employer(
      employerId,
      { type: 'RecordCustomer', actor, data: { employerId, customerId: intent.customerId } },
      { ...context, causationId: context.correlationId },
    );
    return { employerId, ...intent, position: result.position };
  }
}
