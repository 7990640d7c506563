import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { customerOf, payoutCountryCannotChange, payoutCountryOf, requireSamePayoutCountry, requireThisEmployer, requireThisTrainer } from '@escrow/domain';
import type { PaymentGateway } from '@escrow/payments';
import { APP_CONFIG, CommandHandling, PAYMENT_GATEWAY, defaultPayoutCountry, requestScopedId, type AppConfig } from '@escrow/runtime';
import type { RequestContext } from '../http/request-context';
import { openPayoutAccount, requireSupportedPayoutCountry } from './payout-country';
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
    /** ISO 3166-1 alpha-2, already well-formed; undefined when the caller gave none. */
    readonly country?: string,
  ) {}
}

@CommandHandler(ConnectPayoutAccount)
export class ConnectPayoutAccountHandler implements ICommandHandler<ConnectPayoutAccount> {
  constructor(
    private readonly commands: CommandHandling,
    @Inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ trainerId, context, country: asked }: ConnectPayoutAccount) {
    const { actor } = context;
    // The decider's own rule, asked before the gateway creates an account.
    requireThisTrainer(actor, trainerId);
    const state = await this.commands.loadTrainer(trainerId);
    const known = state.payoutAccount;
    // No country given: the recorded account's (a fresh onboarding link for it), else US, where
    // every account opened before countries were taken.
    const recorded = payoutCountryOf(state);
    const country = asked ?? recorded ?? defaultPayoutCountry;
    // The list governs where accounts are opened: checked for a new account and for a country
    // other than the recorded account's (422 before the 409 below); a fresh link for an account
    // already open is never refused by it.
    if (known === null || (asked !== undefined && asked !== recorded)) {
      requireSupportedPayoutCountry(country, this.config.payoutCountries, asked === undefined);
    }
    if (asked !== undefined) requireSamePayoutCountry(state, trainerId, asked);
    const account = await openPayoutAccount(this.gateway, { trainerId, accountId: known?.accountId ?? null, country });
    // An account the provider opened for an earlier request that did not get recorded (a crash
    // between the two) keeps its country: asking for another one is the same 409 as above.
    if (asked !== undefined && account.country !== asked) throw payoutCountryCannotChange(trainerId, account.accountId, account.country, asked);
    const result = await this.commands.trainer(
      trainerId,
      {
        type: 'ConnectPayoutAccount',
        actor,
        // The provider's word on the account's country, which is what the log records.
        data: { trainerId, accountId: account.accountId, payoutsEnabled: account.payoutsEnabled, country: account.country },
      },
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
