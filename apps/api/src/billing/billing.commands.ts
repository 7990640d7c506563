import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { forbidden } from '@escrow/domain';
import type { PaymentGateway } from '@escrow/payments';
import { CommandHandling, PAYMENT_GATEWAY } from '@escrow/runtime';
import type { RequestContext } from '../http/request-context';

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
    // Checked before calling the gateway so that nobody creates customers for someone else.
    if (actor.role !== 'employer' || actor.id !== employerId) {
      throw forbidden('not_this_employer', 'an employer can only attach its own payment method');
    }
    const attached = await this.gateway.attachPaymentMethod({
      idempotencyKey: `attach-payment-method:${employerId}:${paymentMethodId}`,
      employerId,
      paymentMethodId,
    });
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
    if (actor.role !== 'trainer' || actor.id !== trainerId) {
      throw forbidden('not_this_trainer', 'a trainer can only connect its own payout account');
    }
    const account = await this.gateway.createPayoutAccount({ idempotencyKey: `payout-account:${trainerId}`, trainerId });
    const result = await this.commands.trainer(
      trainerId,
      { type: 'ConnectPayoutAccount', actor, data: { trainerId, accountId: account.accountId, payoutsEnabled: account.payoutsEnabled } },
      { ...context, causationId: context.correlationId },
    );
    return { trainerId, ...account, position: result.position };
  }
}
