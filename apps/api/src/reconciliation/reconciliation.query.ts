import { BadRequestException, Inject, Injectable, UnprocessableEntityException } from '@nestjs/common';
import type { EventStore } from '@escrow/event-store';
import type { PaymentGateway, ReconciliationPeriod, ReconciliationReport } from '@escrow/payments';
import { EVENT_STORE, PAYMENT_GATEWAY } from '@escrow/runtime';
import { InvalidPeriod, parseReconciliationPeriod } from './reconciliation-period';
import type { ReconciliationQueryDto } from './reconciliation.dtos';
import { runReconciliation, TooManyUnlistedMovements } from './run-reconciliation';

/** Our log against the payment provider's records, over a period (see libs/payments reconciliation). */
@Injectable()
export class ReconciliationQuery {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway,
  ) {}

  async report(query: ReconciliationQueryDto): Promise<ReconciliationReport> {
    let period: ReconciliationPeriod;
    try {
      period = parseReconciliationPeriod(query.from, query.to);
    } catch (error) {
      if (error instanceof InvalidPeriod) throw new BadRequestException(error.message);
      throw error;
    }
    try {
      return await runReconciliation(this.store, this.gateway, period);
    } catch (error) {
      if (error instanceof TooManyUnlistedMovements) throw new UnprocessableEntityException(error.message);
      throw error;
    }
  }
}
