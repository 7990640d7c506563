export { AutoReleaser, autoReleaseActor, defaultAutoReleaseTiming, type AutoReleaseTiming, type StepResult } from './auto-releaser';
export { AutoReleaseStore, autoReleaseJobs, jobKeyOf, stepEventId, type AutoReleaseJob, type AutoReleaseJobRecord, type AutoReleaseJobStatus } from './auto-release-store';
export { autoReleaseEventUses, autoReleaseSchedule, autoReleaseScheduleName, autoReleaseSteps } from './auto-release-schedule';
