import { assert } from '@escrow/domain';
import { comparePositions, type EventStore, type RecordedEvent } from '@escrow/event-store';
import { PollLoop } from '@escrow/jobs';
import { backoffMs, type Backoff } from '@escrow/retry';
import type { SqlDb } from '@escrow/sql';
import { applyAtCheckpoint, lowestPosition, type CheckpointOutcome } from './apply-at-checkpoint';
import type { Projection } from './projection';
import { prepareProjection, projectorBatchSizeMax, projectorIdleWaitMs } from './projector-runner';

/** A read model that failed is retried alone after this backoff, while the others go on. */
export const failedProjectionBackoff: Backoff = { baseMs: 1_000, capMs: 60_000, jitter: 'proportional' };

interface Member {
  readonly projection: Projection;
  position: string | null;
  /** Failures in a row; 0 while healthy. */
  failures: number;
  /** While in the future, the member sits out (it failed): the others do not wait for it. */
  retryAt: number;
  failure: unknown;
}

export interface GroupRound {
  /** Events read from the log this round. */
  readonly read: number;
  /** Events applied, summed over the read models. */
  readonly applied: number;
}

/**
 * Feeds several read models that live in one database from ONE reader: each batch of the log is
 * read once and applied to every read model, with every checkpoint, in one transaction (one
 * commit per batch instead of one per read model). Each read model keeps its own checkpoint row,
 * so rebuilds, read-your-writes waits and a lone `ProjectorRunner` work as before.
 *
 * A read model that fails must not hold the others back: the batch is then applied to each read
 * model in its own transaction, the failing one sits out with a backoff (reported through
 * `onProjectionError`) and rejoins later from its own checkpoint.
 */
export class ProjectionGroupRunner {
  private readonly members: Member[];
  private loop: PollLoop | null = null;
  /** The runner's turns: a batch is read and applied before the next one is read. */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: EventStore,
    private readonly db: SqlDb,
    projections: readonly Projection[],
    private readonly onProjectionError: (name: string, error: unknown) => void = () => undefined,
    /** The loop itself failed (reading the log): the owner restarts the group. */
    private readonly onError: (error: unknown) => void = () => undefined,
    private readonly now: () => number = Date.now,
  ) {
    assert(projections.length > 0, 'a projection group has read models');
    assert(new Set(projections.map((p) => p.name)).size === projections.length, 'read models in a group have distinct names');
    // Checkpoint rows are locked in name order in every group transaction: two groups (or a group
    // and a rebuild, which locks one row) never wait on each other in a cycle.
    this.members = [...projections]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((projection) => ({ projection, position: null, failures: 0, retryAt: 0, failure: null }));
  }

  get names(): string[] {
    return this.members.map((member) => member.projection.name);
  }

  async prepare(): Promise<void> {
    for (const member of this.members) {
      member.position = await prepareProjection(this.db, member.projection);
      member.failures = 0;
      member.retryAt = 0;
      member.failure = null;
    }
  }

  start(): void {
    assert(!this.loop?.running, 'a projection group starts once');
    this.loop = PollLoop.start({
      idleMs: projectorIdleWaitMs,
      wakeSource: this.store.appendWatcher(),
      round: async () => (await this.next(projectorBatchSizeMax)).read === projectorBatchSizeMax,
      onError: this.onError,
    });
  }

  async stop(): Promise<void> {
    await this.loop?.stop();
    this.loop = null;
  }

  /** The position every read model of the group has passed (the lowest checkpoint). */
  get checkpoint(): string | null {
    return lowestPosition(this.members);
  }

  checkpointOf(name: string): string | null {
    return this.member(name).position;
  }

  /** The failure that made a read model sit out, while it does (null when healthy). */
  failureOf(name: string): unknown {
    return this.member(name).failure;
  }

  /** Applies everything readable now (for tests and scripts); returns the events applied over all read models. */
  async catchUp(batchSize = projectorBatchSizeMax): Promise<number> {
    let applied = 0;
    for (;;) {
      const round = await this.next(batchSize);
      applied += round.applied;
      if (round.read < batchSize) return applied;
    }
  }

  private member(name: string): Member {
    const found = this.members.find((member) => member.projection.name === name);
    assert(found !== undefined, `projection ${name} is in this group`);
    return found;
  }

  private next(limit: number): Promise<GroupRound> {
    const round = this.turn.then(() => this.readAndApply(limit));
    this.turn = round.catch(() => undefined);
    return round;
  }

  private async readAndApply(limit: number): Promise<GroupRound> {
    const now = this.now();
    const active = this.members.filter((member) => member.retryAt <= now);
    if (active.length === 0) return { read: 0, applied: 0 };
    const from = lowestPosition(active);
    const batch = await this.store.readAll({ fromPosition: from, limit });
    if (batch.length === 0) return { read: 0, applied: 0 };
    let outcomes: Map<Member, CheckpointOutcome>;
    try {
      outcomes = await this.db.transaction(async (tx) => {
        const done = new Map<Member, CheckpointOutcome>();
        for (const member of active) done.set(member, await applyAtCheckpoint(tx, member.projection, member.position, batch));
        return done;
      });
    } catch {
      // Which read model failed is not known: each tries the batch on its own, so only the failing one sits out.
      outcomes = await this.applyEachAlone(active, batch);
    }
    let applied = 0;
    for (const [member, outcome] of outcomes) {
      member.position = outcome.position;
      member.failures = 0;
      member.failure = null;
      applied += outcome.applied;
    }
    return { read: batch.length, applied };
  }

  private async applyEachAlone(members: readonly Member[], batch: readonly RecordedEvent[]): Promise<Map<Member, CheckpointOutcome>> {
    const outcomes = new Map<Member, CheckpointOutcome>();
    for (const member of members) {
      try {
        outcomes.set(member, await this.db.transaction((tx) => applyAtCheckpoint(tx, member.projection, member.position, batch)));
      } catch (error) {
        member.failures++;
        member.failure = error;
        member.retryAt = this.now() + backoffMs(failedProjectionBackoff, member.failures);
        this.onProjectionError(member.projection.name, error);
      }
    }
    return outcomes;
  }
}
