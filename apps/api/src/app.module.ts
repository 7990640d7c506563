import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { ObservabilityModule } from '@escrow/observability';
import type { SagaFaults } from '@escrow/payment-process';
import { APP_CONFIG, InfrastructureModule, loggingModule, SQL_DB, type AppConfig, type InfrastructureOptions } from '@escrow/runtime';
import type { SqlDb } from '@escrow/sql';
import type { Logger as PinoLogger } from 'pino';
import { WorkerModule } from '@escrow/worker-host';
import { AdminController } from './admin/admin.controller';
import { StuckPayments } from './admin/stuck-payments';
import { AuditModule } from './audit/audit.module';
import { AuthGuard } from './auth/auth.guard';
import { AttachPaymentMethodHandler, ConnectPayoutAccountHandler, StartPaymentMethodSetupHandler } from './billing/billing.commands';
import { BillingController } from './billing/billing.controller';
import {
  CancelEmployerSubscriptionHandler,
  EmployerSubscriptionQuery,
  SetEmployerAccountTypeHandler,
  SubscribeHandler,
} from './billing/subscription.commands';
import {
  ApproveMilestoneHandler,
  ExecuteContractCommandHandler,
  FundMilestoneHandler,
  ResolveMilestoneDisputeHandler,
} from './contracts/contract.commands';
import { ContractQueries } from './contracts/contract.query';
import { ContractsController } from './contracts/contracts.controller';
import { DisputesController } from './disputes/disputes.controller';
import { DevTokensController } from './console/dev-tokens.controller';
import { EventFeed } from './events/event-feed';
import { EventsController } from './events/events.controller';
import { FeedMetrics } from './events/feed-metrics';
import { HealthController } from './health/health.controller';
import { DeclaredQueryGuard } from './http/declared-query.guard';
import { ErrorsFilter } from './http/domain-errors.filter';
import { IdempotencyInterceptor } from './idempotency/idempotency.interceptor';
import { IdempotencyStore } from './idempotency/idempotency.store';
import { InvoiceQueries } from './invoices/invoices.query';
import { InvoicesController } from './invoices/invoices.controller';
import { ReadModelSchemas } from './read-model-schemas';
import { LedgerController } from './ledger/ledger.controller';
import { LedgerQueries } from './ledger/ledger.query';
import { MetricsController } from './metrics/metrics.controller';
import { NotificationsController } from './notifications/notifications.controller';
import { PaymentHistoryController } from './payment-history/payment-history.controller';
import { PaymentHistoryQueries } from './payment-history/payment-history.query';
import { ReconciliationController } from './reconciliation/reconciliation.controller';
import { ReconciliationQuery } from './reconciliation/reconciliation.query';
import { StripeWebhooksModule } from './webhooks/stripe-webhooks.module';

export interface AppOptions extends InfrastructureOptions {
  readonly sagaFaults?: SagaFaults;
}

@Module({})
export class AppModule {
  /** `rootLogger`: what every log line of the app is written through (createRootLogger). */
  static forRoot(options: AppOptions, rootLogger: PinoLogger): DynamicModule {
    const runsWorker = options.config.processRole === 'all';
    return {
      module: AppModule,
      imports: [
        loggingModule(rootLogger),
        InfrastructureModule.forRoot(options),
        CqrsModule.forRoot(),
        StripeWebhooksModule,
        AuditModule,
        ObservabilityModule,
        ...(runsWorker ? [WorkerModule.forRoot({ faults: options.sagaFaults })] : []),
      ],
      controllers: [
        ContractsController,
        BillingController,
        HealthController,
        InvoicesController,
        PaymentHistoryController,
        NotificationsController,
        LedgerController,
        ReconciliationController,
        AdminController,
        EventsController,
        DisputesController,
        MetricsController,
        DevTokensController,
      ],
      providers: [
        ContractQueries,
        StuckPayments,
        InvoiceQueries,
        PaymentHistoryQueries,
        LedgerQueries,
        ReconciliationQuery,
        EventFeed,
        FeedMetrics,
        ExecuteContractCommandHandler,
        FundMilestoneHandler,
        ApproveMilestoneHandler,
        ResolveMilestoneDisputeHandler,
        AttachPaymentMethodHandler,
        ConnectPayoutAccountHandler,
        StartPaymentMethodSetupHandler,
        SubscribeHandler,
        CancelEmployerSubscriptionHandler,
        SetEmployerAccountTypeHandler,
        EmployerSubscriptionQuery,
        {
          provide: IdempotencyStore,
          useFactory: (db: SqlDb, config: AppConfig) => new IdempotencyStore(db, { leaseMs: config.idempotencyLeaseMs }),
          inject: [SQL_DB, APP_CONFIG],
        },
        ReadModelSchemas,
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_GUARD, useClass: DeclaredQueryGuard },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        { provide: APP_FILTER, useClass: ErrorsFilter },
      ],
    };
  }
}
