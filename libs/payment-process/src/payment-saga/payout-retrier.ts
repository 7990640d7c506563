import { Injectable, Logger } from '@nestjs/common';
import { PollLoop, type LoopControl } from '@escrow/jobs';
import { PaymentSaga } from './payment-saga';

export const payoutRetryPollMs = 250;
export const payoutRetryBatchMax = 10;
/** While one attempt runs, nobody else takes the same payout for this long. */
export const payoutLeaseMs = 60_000;

/** Retries payouts that failed (no payout account yet, a refused transfer), when they fall due. */
@Injectable()
export class PayoutRetrier {
  private readonly logger = new Logger('PayoutRetrier');
  private loop: PollLoop | null = null;

  constructor(private readonly saga: PaymentSaga) {}

  start(): void {
    this.loop = PollLoop.start({
      idleMs: payoutRetryPollMs,
      round: (loop) => this.round(loop),
      // A failed round (the database away) is logged and tried again at the next poll: the
      // payouts stay in their table, so nothing is lost meanwhile.
      retryFailedRounds: {
        delayMs: () => payoutRetryPollMs,
        report: (error) => this.logger.error(`payout retry round failed: ${String(error)}`),
      },
      onError: (error) => this.logger.error(`payout retries stopped: ${String(error)}`),
    });
  }

  async stop(): Promise<void> {
    await this.loop?.stop();
    this.loop = null;
  }

  /** One batch per poll: the payouts it took are postponed by their lease, not finished here. */
  private async round(loop: LoopControl): Promise<boolean> {
    const due = await this.saga.sagaStore.takeDuePayouts(payoutRetryBatchMax, payoutLeaseMs);
    for (const payout of due) {
      if (!loop.running) break;
      await this.saga.payOut(payout.contractId, payout.milestoneId);
    }
    return false;
  }
}
