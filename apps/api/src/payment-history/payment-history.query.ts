import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { contractStream, forbidden, notFound, type Actor } from '@escrow/domain';
import type { EventStore } from '@escrow/event-store';
import { checkedMinPosition } from '../http/min-position';
import {
  findPaymentHistory,
  paymentHistoryProjection,
  paymentHistoryResponse,
  type PaymentHistory,
} from '@escrow/projections/payment-history';
import { ProjectorRunner } from '@escrow/projector';
import { APP_CONFIG, EVENT_STORE, SQL_DB, type AppConfig } from '@escrow/runtime';
import type { SqlDb } from '@escrow/sql';

const staffRoles: ReadonlySet<string> = new Set(['support', 'finance', 'service']);

type Parties = Pick<PaymentHistory, 'employerId' | 'trainerId'>;

/** GET /v1/contracts/:cid/payments: the contract's released payments and refunds. */
@Injectable()
export class PaymentHistoryQueries {
  constructor(
    @Inject(SQL_DB) private readonly db: SqlDb,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Access is checked before `minPosition` is waited for: a stranger learns nothing by waiting. */
  async payments(contractId: string, actor: Actor, rawMinPosition?: string) {
    const minPosition = await checkedMinPosition(this.store, rawMinPosition);
    let history = await findPaymentHistory(this.db, contractId);
    if (!history) {
      // Written but not projected yet, or unknown: the log decides, and says who may read it.
      const events = await this.store.readStream(contractStream(contractId));
      const created = events[0];
      const last = events[events.length - 1];
      if (!created || !last) throw notFound('contract_not_found', `contract ${contractId} does not exist`);
      requireReader(created.data as Parties, actor);
      await this.waitFor(last.position);
    } else {
      requireReader(history, actor);
    }
    if (minPosition !== null) await this.waitFor(minPosition);
    history = await findPaymentHistory(this.db, contractId);
    if (!history) throw notFound('contract_not_found', `contract ${contractId} does not exist`);
    return paymentHistoryResponse(history);
  }

  private async waitFor(position: string) {
    const { readYourWritesTimeoutMs } = this.config;
    const caughtUp = await ProjectorRunner.waitForPosition(this.db, paymentHistoryProjection.name, position, readYourWritesTimeoutMs);
    if (!caughtUp) {
      throw new ServiceUnavailableException(
        `minPosition: the payment history has not reached position ${position} within ${readYourWritesTimeoutMs} ms; retry`,
      );
    }
  }
}

function requireReader(contract: Parties, actor: Actor): void {
  if (staffRoles.has(actor.role)) return;
  if (actor.role === 'employer' && actor.id === contract.employerId) return;
  if (actor.role === 'trainer' && actor.id === contract.trainerId) return;
  throw forbidden('not_contract_party', "only the contract's employer and trainer, support, finance and services can read its payments");
}
