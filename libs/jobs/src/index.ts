export { JobQueue, type ClaimRequest, type FromStates, type RearmTarget } from './job-queue';
export type { DueTime, JobKey, JobLease, JobStates, JobTable } from './job-table';
export { PollLoop, type FailedRoundRetry, type LoopControl, type PollLoopOptions, type WakeSource } from './poll-loop';
