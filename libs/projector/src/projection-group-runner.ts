import { assert } from '@escrow/domain';
import { comparePositions, type EventStore, type RecordedEvent } from '@escrow/event-store';
import { PollLoop } from '@escrow/jobs';
import { backoffMs, type Backoff } from '@escrow/retry';
import type { SqlDb } from '@escrow/sql';
import { applyAllAtCheckpoints, applyAtCheckpoint, eventsAfter, lowestPosition, type CheckpointOutcome } from './apply-at-checkpoint';
import type { Projection } from './projection';
import { prepareProjection, projectorBatchSizeMax, projectorIdleWaitMs } from './projector-runner';

/** A read model that failed is retried alone after this backoff, while the others go on. */
export const failedProjectionBackoff: Backoff = { baseMs: 1_000, capMs: 60_000, jitter: 'proportional' };

/**
 * A per-event subscriber fed from the group's reader (the payment saga) instead of reading the log
 * itself. It keeps its own checkpoint, outside the read models' transaction: its handling must be
 * idempotent, since a failure or a crash hands it events again from where it last stood.
 */
export interface LogFollower {
  readonly name: string;
  /** Where it resumes (null: the start of the log); asked when the group is prepared. */
  resumePosition(): Promise<string | null>;
  /** The batch's events after where it stands, in log order; resolves once each is handled. */
  follow(events: readonly RecordedEvent[]): Promise<void>;
}

/** Where a reader of the group stands, and its backoff while it sits out. */
interface Participant {
  position: string | null;
  /** Failures in a row; 0 while healthy. */
  failures: number;
  /** While in the future, it sits out (it failed): the others do not wait for it. */
  retryAt: number;
  failure: unknown;
}

interface Member extends Participant {
  readonly projection: Projection;
}

interface Follower extends Participant {
  readonly follower: LogFollower;
}

const healthy = (): Participant => ({ position: null, failures: 0, retryAt: 0, failure: null });

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
 * so rebuilds, read-your-writes waits and a lone `ProjectorRunner` work as before. The same batch
 * goes, meanwhile, to the followers (the payment saga): one read of the log for the whole worker.
 *
 * A read model that fails must not hold the others back: the batch is then applied to each read
 * model in its own transaction, the failing one sits out with a backoff (reported through
 * `onProjectionError`) and rejoins later from its own checkpoint. A follower that fails sits out
 * the same way and is handed the events again from where it stood.
 */
export class ProjectionGroupRunner {
  private readonly members: Member[];
  private readonly followers: Follower[];
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
    followers: readonly LogFollower[] = [],
  ) {
    assert(projections.length > 0, 'a projection group has read models');
    const names = [...projections.map((p) => p.name), ...followers.map((f) => f.name)];
    assert(new Set(names).size === names.length, 'read models and followers in a group have distinct names');
    this.followers = followers.map((follower) => ({ follower, ...healthy() }));
    // Checkpoint rows are locked in name order in every group transaction: two groups (or a group
    // and a rebuild, which locks one row) never wait on each other in a cycle.
    this.members = [...projections]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((projection) => ({ projection, ...healthy() }));
  }

  get names(): string[] {
    return this.members.map((member) => member.projection.name);
  }

  async prepare(): Promise<void> {
    for (const member of this.members) Object.assign(member, healthy(), { position: await prepareProjection(this.db, member.projection) });
    for (const follower of this.followers) Object.assign(follower, healthy(), { position: await follower.follower.resumePosition() });
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

  /** The failure that made a read model or a follower sit out, while it does (null when healthy). */
  failureOf(name: string): unknown {
    return (this.followers.find((f) => f.follower.name === name) ?? this.member(name)).failure;
  }

  /** Where a follower stands: the last event it handled. */
  followerPosition(name: string): string | null {
    const found = this.followers.find((f) => f.follower.name === name);
    assert(found !== undefined, `follower ${name} is in this group`);
    return found.position;
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
    const following = this.followers.filter((follower) => follower.retryAt <= now);
    if (active.length === 0 && following.length === 0) return { read: 0, applied: 0 };
    const from = lowestPosition([...active, ...following]);
    const batch = await this.store.readAll({ fromPosition: from, limit });
    if (batch.length === 0) return { read: 0, applied: 0 };
    // The read models' transaction and the followers' handling overlap; the next read waits for both.
    const [applied] = await Promise.all([active.length > 0 ? this.applyToReadModels(active, batch) : 0, this.feed(following, batch)]);
    return { read: batch.length, applied };
  }

  private async feed(followers: readonly Follower[], batch: readonly RecordedEvent[]): Promise<void> {
    for (const follower of followers) {
      const events = eventsAfter(batch, follower.position);
      if (events.length === 0) continue;
      try {
        await follower.follower.follow(events);
        Object.assign(follower, healthy(), { position: events[events.length - 1]!.position });
      } catch (error) {
        this.sitOut(follower, follower.follower.name, error);
      }
    }
  }

  private sitOut(participant: Participant, name: string, error: unknown): void {
    participant.failures++;
    participant.failure = error;
    participant.retryAt = this.now() + backoffMs(failedProjectionBackoff, participant.failures);
    this.onProjectionError(name, error);
  }

  private async applyToReadModels(active: readonly Member[], batch: readonly RecordedEvent[]): Promise<number> {
    let outcomes: Map<Member, CheckpointOutcome>;
    try {
      outcomes = await this.db.transaction(async (tx) => {
        const done = await applyAllAtCheckpoints(tx, active, batch);
        return new Map(active.map((member, index) => [member, done[index]!]));
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
    return applied;
  }

  private async applyEachAlone(members: readonly Member[], batch: readonly RecordedEvent[]): Promise<Map<Member, CheckpointOutcome>> {
    const outcomes = new Map<Member, CheckpointOutcome>();
    for (const member of members) {
      try {
        outcomes.set(member, await this.db.transaction((tx) => applyAtCheckpoint(tx, member.projection, member.position, batch)));
      } catch (error) {
        this.sitOut(member, member.projection.name, error);
      }
    }
    return outcomes;
  }
}
