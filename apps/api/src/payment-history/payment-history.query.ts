import { Inject, Injectable } from '@nestjs/common';
import type { Actor } from '@escrow/domain';
import type { EventStore } from '@escrow/event-store';
import { readContractModel, type ContractReadModel } from '../http/contract-reads';
import {
  findPaymentHistory,
  paymentHistoryProjection,
  paymentHistoryResponse,
  type PaymentHistory,
} from '@escrow/projections/payment-history';
import { APP_CONFIG, EVENT_STORE, SQL_DB, type AppConfig } from '@escrow/runtime';
import type { SqlDb } from '@escrow/sql';

const paymentHistoryModel: ContractReadModel<PaymentHistory> = {
  projection: paymentHistoryProjection.name,
  title: 'the payment history',
  notAReader: "only the contract's employer and trainer, support, finance and services can read its payments",
  find: findPaymentHistory,
};

/** GET /v1/contracts/:cid/payments: the contract's released payments and refunds. */
@Injectable()
export class PaymentHistoryQueries {
  constructor(
    @Inject(SQL_DB) private readonly db: SqlDb,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  payments(contractId: string, actor: Actor, rawMinPosition?: string) {
    const deps = { db: this.db, store: this.store, readYourWritesTimeoutMs: this.config.readYourWritesTimeoutMs };
    return readContractModel(deps, paymentHistoryModel, contractId, actor, rawMinPosition).then(paymentHistoryResponse);
  }
}
