import { Injectable, Logger } from '@nestjs/common';
import { sleep } from './backoff';
import { PaymentSaga } from './payment-saga';

export const payoutRetryPollMs = 250;
export const payoutRetryBatchMax = 10;
/** While one attempt runs, nobody else takes the same payout for this long. */
export const payoutLeaseMs = 60_000;

/** Retries payouts that failed (no payout account yet, a refused transfer), when they fall due. */
@Injectable()
export class PayoutRetrier {
  private readonly logger = new Logger('PayoutRetrier');
  private running = false;
  private loop: Promise<void> | null = null;

  constructor(private readonly saga: PaymentSaga) {}

  start(): void {
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      try {
        const due = await this.saga.sagaStore.takeDuePayouts(payoutRetryBatchMax, payoutLeaseMs);
        for (const payout of due) {
          if (!this.running) break;
          await this.saga.payOut(payout.contractId, payout.milestoneId);
        }
      } catch (error) {
        this.logger.error(`payout retry round failed: ${String(error)}`);
      }
      await sleep(payoutRetryPollMs);
    }
  }
}
