import { Logger } from '@nestjs/common';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { DomainError, approvalWaitOf, isContractEvent, readDomainEvent, type Actor, type ContractCommand, type TimedContractEvent } from '@escrow/domain';
import type { EventStore, RecordedEvent } from '@escrow/event-store';
import { PollLoop, type LoopControl } from '@escrow/jobs';
import { ProjectorRunner } from '@escrow/projector';
import { backoffMs } from '@escrow/retry';
import { CommandHandling, type AppConfig, type Clock } from '@escrow/runtime';
import type { SqlDb } from '@escrow/sql';
import { AutoReleaseStore, stepEventId, type AutoReleaseJob } from './auto-release-store';
import { autoReleaseSchedule } from './auto-release-schedule';

/** Who approves and reminds in the employer's stead (metadata.actor of what it writes). */
export const autoReleaseActor: Actor = { role: 'service', id: 'auto-release' };

export interface AutoReleaseTiming {
  /** How often due steps are looked for (what falls due is acted on within this). */
  readonly pollMs: number;
  /** A step's lease: renewed while it runs, so a killed worker's step is taken over after this. */
  readonly leaseMs: number;
  readonly batchMax: number;
  /** Retries of a step that failed for a reason other than the contract's answer (the database away). */
  readonly retryBaseMs: number;
  readonly attemptsMax: number;
}

export const defaultAutoReleaseTiming: AutoReleaseTiming = { pollMs: 1_000, leaseMs: 60_000, batchMax: 10, retryBaseMs: 1_000, attemptsMax: 8 };

/** What became of one step. */
export type StepResult =
  | { readonly kind: 'done'; readonly outcome: string }
  | { readonly kind: 'skipped'; readonly outcome: string }
  | { readonly kind: 'retry'; readonly error: string; readonly at: Date }
  | { readonly kind: 'dead'; readonly error: string };

/** The milestone no longer waits for the approval this step belongs to. */
class WaitOver extends Error {}

/**
 * Auto-release (AUTO_RELEASE_DAYS): the scheduler turns each wait for approval into durable due
 * dates (`auto_release_jobs`, fed from the log with its own checkpoint), and this executor works
 * them when due by the injected clock: reminders to the employer 7 and 1 days before, then the
 * approval itself, as the `service` actor with reason `auto_release`, through the same decider,
 * fee and saga as an employer's approval.
 *
 * Exactly once, across restarts and workers: a step is leased to one worker at a time; the
 * command it runs has an event id derived from the step (the wait's cause event and the step),
 * so a step run again after a crash between append and completion finds its event and appends
 * nothing; and the decider refuses an approval of a milestone that is no longer pending_approval.
 */
export class AutoReleaser {
  private readonly logger = new Logger('AutoRelease');
  readonly store: AutoReleaseStore;
  readonly owner = `${hostname()}:${process.pid}:${randomUUID()}`;
  private readonly scheduler: ProjectorRunner;
  private loop: PollLoop | null = null;
  /** Told when the scheduler or the executor stopped on a failure (the worker host restarts them). */
  private onError: (error: unknown) => void = () => undefined;

  constructor(
    eventStore: EventStore,
    db: SqlDb,
    private readonly commands: CommandHandling,
    private readonly clock: Clock,
    private readonly config: Pick<AppConfig, 'autoReleaseDays' | 'platformFeeBps'>,
    private readonly timing: AutoReleaseTiming = defaultAutoReleaseTiming,
  ) {
    this.store = new AutoReleaseStore(db);
    this.scheduler = new ProjectorRunner(eventStore, db, autoReleaseSchedule(() => this.config.autoReleaseDays), (error) => this.onError(error));
  }

  get enabled(): boolean {
    return this.config.autoReleaseDays > 0;
  }

  /**
   * The scheduler always runs (waits are recorded with their start, whatever the setting); the
   * executor only when AUTO_RELEASE_DAYS > 0. Open steps are re-planned to the current setting.
   */
  async start(onError: (error: unknown) => void): Promise<void> {
    await this.stop();
    this.onError = onError;
    await this.prepare();
    this.scheduler.start();
    if (!this.enabled) return;
    this.loop = PollLoop.start({
      idleMs: this.timing.pollMs,
      round: (loop) => this.round(loop),
      // The database away: logged, tried again; the steps stay in their table meanwhile.
      retryFailedRounds: {
        delayMs: () => this.timing.pollMs,
        report: (error) => this.logger.error(`auto-release round failed: ${String(error)}`),
      },
      onError,
    });
  }

  /** The scheduler's checkpoint, and open steps re-planned to the current AUTO_RELEASE_DAYS. */
  async prepare(): Promise<void> {
    await this.scheduler.prepare();
    await this.store.replan(this.config.autoReleaseDays);
  }

  async stop(): Promise<void> {
    await this.scheduler.stop();
    if (!this.loop) return;
    await this.loop.stop();
    this.loop = null;
    await this.store.releaseLeases(this.owner);
  }

  /** Look for due steps now rather than at the next poll (a test that moved the clock). */
  kick(): void {
    this.loop?.wake();
  }

  /** The log position the schedule stands at. */
  get scheduledUpTo(): string | null {
    return this.scheduler.checkpoint;
  }

  /** Schedules what the log holds now (tests: instead of waiting for the scheduler's loop). */
  async catchUpSchedule(): Promise<number> {
    return this.scheduler.catchUp();
  }

  /** One batch of due steps, each worked under its lease; true when it found some (more may be due). */
  async round(loop?: LoopControl): Promise<boolean> {
    const due = await this.claimDue();
    for (const job of due) {
      if (loop && !loop.running) break;
      const result = await this.store.whileLeased(this.owner, this.timing.leaseMs, () => this.perform(job), (error) =>
        this.logger.warn(`lease renewal failed: ${String(error)}`),
      );
      await this.settle(job, result);
    }
    return due.length > 0;
  }

  /** Steps due by the clock, leased to this worker. */
  async claimDue(): Promise<AutoReleaseJob[]> {
    return this.store.claim(this.owner, this.timing.batchMax, this.timing.leaseMs, this.clock.now());
  }

  /** Runs one step's command; never throws for what the contract or the database answered. */
  async perform(job: AutoReleaseJob): Promise<StepResult> {
    const days = this.config.autoReleaseDays;
    if (days === 0) return { kind: 'skipped', outcome: 'auto-release is disabled (AUTO_RELEASE_DAYS=0)' };
    if (job.daysBefore >= days) return { kind: 'skipped', outcome: `a ${days}-day wait has no ${job.daysBefore}-day reminder` };
    try {
      const result = await this.commands.contract(job.contractId, () => this.commandFor(job, days), {
        actor: autoReleaseActor,
        correlationId: job.correlationId,
        causationId: job.causeEventId,
        eventIds: [stepEventId(job.key)],
      });
      if (result.alreadyApplied) return { kind: 'done', outcome: 'already recorded' };
      return { kind: 'done', outcome: job.daysBefore === 0 ? 'approved' : `reminded ${job.daysBefore} day(s) before` };
    } catch (error) {
      if (error instanceof WaitOver) return { kind: 'skipped', outcome: error.message };
      if (error instanceof DomainError) {
        // Not due by the decider's reckoning (the setting changed since the plan): look again later.
        if (error.code === 'auto_release_not_due') return { kind: 'retry', error: error.message, at: this.after(this.timing.retryBaseMs * 60) };
        return { kind: 'skipped', outcome: `${error.code}: ${error.message}` };
      }
      const attempt = job.attempts + 1;
      const message = error instanceof Error ? error.message : String(error);
      if (attempt >= this.timing.attemptsMax) return { kind: 'dead', error: message };
      return { kind: 'retry', error: message, at: this.after(backoffMs({ baseMs: this.timing.retryBaseMs, capMs: 5 * 60_000, jitter: 'proportional' }, attempt)) };
    }
  }

  /** Records what became of a step (false: it was no longer open, cancelled meanwhile). */
  async settle(job: AutoReleaseJob, result: StepResult): Promise<boolean> {
    switch (result.kind) {
      case 'done':
        return this.store.done(job.key, result.outcome);
      case 'skipped':
        return this.store.skipped(job.key, result.outcome);
      case 'retry':
        this.logger.warn({ msg: `auto-release step ${job.key} failed, again at ${result.at.toISOString()}: ${result.error}`, ...logFieldsOf(job) });
        return this.store.retryAt(job.key, result.error, { at: result.at });
      case 'dead':
        this.logger.error({ msg: `auto-release step ${job.key} given up: ${result.error}`, ...logFieldsOf(job) });
        return this.store.dead(job.key, result.error);
    }
  }

  /**
   * Built from the contract's log as it stands when the command is decided (a newer write makes
   * the append fail and the command built again): the wait this step belongs to must still be
   * the milestone's current one, and the decider gets when it began and the clock's now.
   */
  private async commandFor(job: AutoReleaseJob, afterDays: number): Promise<ContractCommand> {
    const { recorded } = await this.commands.loadContract(job.contractId);
    const wait = approvalWaitOf(timedContractEvents(recorded), job.milestoneId);
    if (wait?.causeEventId !== job.causeEventId) {
      throw new WaitOver(`milestone ${job.milestoneId} no longer waits for the approval asked in event ${job.causeEventId}`);
    }
    const autoRelease = { now: this.clock.now().toISOString(), pendingApprovalSince: wait.since, afterDays };
    const ref = { contractId: job.contractId, milestoneId: job.milestoneId };
    if (job.daysBefore === 0) return { type: 'Approve', actor: autoReleaseActor, data: { ...ref, feeBps: this.config.platformFeeBps, autoRelease } };
    return { type: 'RemindAutoRelease', actor: autoReleaseActor, data: { ...ref, daysBefore: job.daysBefore, autoRelease } };
  }

  private after(ms: number): Date {
    return new Date(this.clock.now().getTime() + ms);
  }
}

function timedContractEvents(recorded: readonly RecordedEvent[]): TimedContractEvent[] {
  return recorded.flatMap((stored) => {
    const record = readDomainEvent(stored);
    return record !== null && isContractEvent(record.event) ? [{ eventId: record.eventId, occurredAt: record.occurredAt, event: record.event }] : [];
  });
}

/** On a step's log lines: the ids that find the request and the event that scheduled it. */
function logFieldsOf(job: AutoReleaseJob) {
  return { correlationId: job.correlationId, causeEventId: job.causeEventId, contractId: job.contractId };
}
