export * from './events';
export * from './commands';
export * from './state';
export { decide, unresolvedStatuses } from './decide';
export { evolve, replay } from './evolve';
export { afterChargebackClosed } from './evolve-chargebacks';
export { approvalWaitOf, autoReleaseDueAt, autoReleaseReminderDaysBefore, autoReleaseReminders, dayMs, type ApprovalWait, type TimedContractEvent } from './auto-release';
import { decide } from './decide';
import { evolve } from './evolve';
import { initialState } from './state';

export const contractDecider = { decide, evolve, initialState };
