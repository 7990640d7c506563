import { Inject, Injectable } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  Money,
  activePlanOf,
  forbidden,
  requireNoOtherSubscription,
  requirePaymentMethodForSubscription,
  requireSubscriptionToCancel,
  requireThisEmployer,
  unprocessable,
  type Actor,
  type EmployerAccountType,
  type EmployerState,
} from '@escrow/domain';
import type { PaymentGateway } from '@escrow/payments';
import { APP_CONFIG, CommandHandling, PAYMENT_GATEWAY, type AppConfig, type SubscriptionPlan } from '@escrow/runtime';
import type { RequestContext } from '../http/request-context';
import { providerCall } from './provider-call';

/** A configured plan by id; another id is a 422 naming `planId` and the plans offered, before any provider call. */
export function planNamed(plans: readonly SubscriptionPlan[], planId: string): SubscriptionPlan {
  const plan = plans.find((candidate) => candidate.id === planId);
  if (plan === undefined) {
    throw unprocessable('unknown_plan', `planId: ${planId} is not a subscription plan; plans: ${plans.map((known) => known.id).join(', ')}`);
  }
  return plan;
}

/** What GET and POST /v1/employers/:id/subscription answer. Subscription invoices are the provider's. */
export function subscriptionView(employerId: string, state: EmployerState, plans: readonly SubscriptionPlan[]) {
  const subscription = state.subscription;
  const plan = subscription === null ? undefined : plans.find((candidate) => candidate.id === subscription.planId);
  return {
    employerId,
    accountType: state.accountType,
    /** Whether funding is allowed as far as plans go: standard accounts always, agencies with an active plan. */
    mayFund: state.accountType !== 'agency' || activePlanOf(state) !== null,
    subscription:
      subscription === null
        ? null
        : {
            planId: subscription.planId,
            planName: plan?.name ?? null,
            monthlyPrice: plan === undefined ? null : Money.format(plan.monthlyPriceCents),
            currency: 'USD',
            subscriptionId: subscription.subscriptionId,
            status: subscription.status,
            active: activePlanOf(state) !== null,
            currentPeriodEnd: subscription.currentPeriodEnd,
            /** The provider's invoice (Stripe in_...): never one of the ledger's E-/T- milestone invoices. */
            providerInvoiceId: subscription.latestInvoiceId,
            canceledAt: subscription.canceled?.at ?? null,
            /** `employer`: its own request; `provider`: Stripe ended it (unpaid, its dashboard). */
            canceledBy: subscription.canceled?.by ?? null,
          },
  };
}

export class Subscribe {
  constructor(
    readonly employerId: string,
    readonly planId: string,
    readonly context: RequestContext,
  ) {}
}

/**
 * The employer subscribes itself to a configured plan: checked (owner, plan, one subscription,
 * payment method on file) before the provider is asked, then recorded on the employer stream.
 */
@CommandHandler(Subscribe)
export class SubscribeHandler implements ICommandHandler<Subscribe> {
  constructor(
    private readonly commands: CommandHandling,
    @Inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ employerId, planId, context }: Subscribe) {
    const { actor } = context;
    requireThisEmployer(actor, employerId, 'Subscribe');
    const plan = planNamed(this.config.subscriptionPlans, planId);
    const state = await this.commands.loadEmployer(employerId);
    // Already subscribed to this plan: the subscription on file, no second one at the provider.
    if (activePlanOf(state) === planId) return { ...subscriptionView(employerId, state, this.config.subscriptionPlans), position: null };
    requireNoOtherSubscription(state, employerId, planId);
    const { customerId, paymentMethodId } = requirePaymentMethodForSubscription(state);
    const subscription = await providerCall(`subscription for employer ${employerId}`, () =>
      this.gateway.createSubscription({
        // Keyed by what the log knew before (the previous subscription, if any), not by the request:
        // a retry, a re-run under its Idempotency-Key and a concurrent twin all get one subscription.
        idempotencyKey: `subscription:${employerId}:${planId}:after:${state.subscription?.subscriptionId ?? 'none'}`,
        employerId,
        customerId,
        paymentMethodId,
        priceId: plan.stripePriceId,
        planId,
      }),
    );
    const result = await this.commands.employer(
      employerId,
      { type: 'RecordSubscription', actor, data: { employerId, planId, customerId, ...subscription } },
      { ...context, causationId: context.correlationId },
    );
    const after = await this.commands.loadEmployer(employerId);
    return { ...subscriptionView(employerId, after, this.config.subscriptionPlans), position: result.position };
  }
}

export class CancelEmployerSubscription {
  constructor(
    readonly employerId: string,
    readonly context: RequestContext,
  ) {}
}

/**
 * The employer cancels its current subscription, at once: the provider first, then the record. A
 * repeat (or a subscription the provider ended already) answers the canceled state without
 * asking the provider again.
 */
@CommandHandler(CancelEmployerSubscription)
export class CancelEmployerSubscriptionHandler implements ICommandHandler<CancelEmployerSubscription> {
  constructor(
    private readonly commands: CommandHandling,
    @Inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ employerId, context }: CancelEmployerSubscription) {
    const { actor } = context;
    requireThisEmployer(actor, employerId, 'CancelSubscription');
    const state = await this.commands.loadEmployer(employerId);
    const { subscriptionId, canceled } = requireSubscriptionToCancel(state, employerId);
    if (canceled !== null) return { ...subscriptionView(employerId, state, this.config.subscriptionPlans), position: null };
    const cancellation = await providerCall(`cancel subscription ${subscriptionId} of employer ${employerId}`, () =>
      // One cancel per subscription, however the request is retried or raced.
      this.gateway.cancelSubscription({ subscriptionId, idempotencyKey: `subscription-cancel:${employerId}:${subscriptionId}` }),
    );
    const result = await this.commands.employer(
      employerId,
      { type: 'CancelSubscription', actor, data: { employerId, subscriptionId, canceledAt: cancellation.canceledAt } },
      { ...context, causationId: context.correlationId },
    );
    const after = await this.commands.loadEmployer(employerId);
    return { ...subscriptionView(employerId, after, this.config.subscriptionPlans), position: result.position };
  }
}

export class SetEmployerAccountType {
  constructor(
    readonly employerId: string,
    readonly accountType: EmployerAccountType,
    readonly context: RequestContext,
  ) {}
}

@CommandHandler(SetEmployerAccountType)
export class SetEmployerAccountTypeHandler implements ICommandHandler<SetEmployerAccountType> {
  constructor(
    private readonly commands: CommandHandling,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute({ employerId, accountType, context }: SetEmployerAccountType) {
    const result = await this.commands.employer(
      employerId,
      { type: 'SetAccountType', actor: context.actor, data: { employerId, accountType } },
      { ...context, causationId: context.correlationId },
    );
    const state = await this.commands.loadEmployer(employerId);
    return { ...subscriptionView(employerId, state, this.config.subscriptionPlans), position: result.position };
  }
}

/** The employer itself, finance and support read it; other employers and trainers do not. */
@Injectable()
export class EmployerSubscriptionQuery {
  constructor(
    private readonly commands: CommandHandling,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async read(employerId: string, actor: Actor) {
    const staff = actor.role === 'finance' || actor.role === 'support';
    if (!staff && !(actor.role === 'employer' && actor.id === employerId)) {
      throw forbidden('not_this_employer', "only the employer itself, finance or support can read an employer's subscription");
    }
    return subscriptionView(employerId, await this.commands.loadEmployer(employerId), this.config.subscriptionPlans);
  }
}
