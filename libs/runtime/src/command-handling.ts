import {
  contractDecider,
  contractStream,
  employerDecider,
  employerStream,
  schemaVersionOf,
  trainerDecider,
  trainerStream,
  type Actor,
  type ContractCommand,
  type ContractState,
  type DomainEvent,
} from '@escrow/domain';
import { AsyncLocalStorage } from 'node:async_hooks';
import { WrongExpectedVersion, type EventStore, type ExpectedRevision, type RecordedEvent } from '@escrow/event-store';
import { backoffMs, sleep, type Backoff } from '@escrow/retry';
import { deterministicId, newId, type Clock } from './ids';

/**
 * Concurrent writers on one stream: the loser of an append race reloads and decides again, up to
 * this many attempts in all, then gives up (the HTTP 409 concurrent_update). Re-deciding is always
 * correct: the decider checks its rules against the state that includes the winner's events, so a
 * real conflict (a second approval) is refused as the domain refuses it, and the rest just land.
 */
export const concurrentRetryCountMax = 10;
/** Backoff before attempt n + 1: a random delay up to min(cap, base × 2^(n-1)) ("full jitter"). */
export const concurrentRetryBaseMs = 10;
export const concurrentRetryCapMs = 400;
const concurrentRetryBackoff: Backoff = { baseMs: concurrentRetryBaseMs, capMs: concurrentRetryCapMs, jitter: 'full' };
/** The longest a command waits for the one before it on the same stream in this process (see Turns). */
export const streamTurnWaitMaxMs = 2_000;

export interface ConcurrentRetry {
  /** Attempts in all, the first included. */
  readonly attemptsMax: number;
  /** The wait after failed attempt `attempt` (1-based). */
  delayMs(attempt: number): number;
}

/** Jitter spreads the losers out, so that they do not all collide again in the next round. */
export const jitteredBackoff: ConcurrentRetry = {
  attemptsMax: concurrentRetryCountMax,
  delayMs: (attempt) => backoffMs(concurrentRetryBackoff, attempt),
};

export interface CommandContext {
  readonly actor: Actor;
  readonly correlationId: string;
  readonly causationId: string;
  /** Deterministic ids for the events decided (saga outcomes); random when absent. */
  readonly eventIds?: readonly string[];
}

export interface CommandResult<State> {
  readonly events: readonly DomainEvent[];
  readonly state: State;
  /** Global position of the last event written (or already there); null when nothing was written. */
  readonly position: string | null;
  readonly alreadyApplied: boolean;
}

/**
 * Builds the command from the state just loaded (when it needs other streams' data too). It may
 * load other streams but not run a command on its own: that one would wait for its turn behind it.
 */
export type CommandBuilder<C, S> = (state: S) => C | Promise<C>;

interface Decider<Command, Event extends DomainEvent, State> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

/** The ids of one command's events, by index; `deterministic` when a re-run gets the same ones. */
interface EventIds {
  readonly deterministic: boolean;
  at(index: number): string;
}

interface RequestIdentity {
  readonly seed: string;
  commandCount: number;
}

const requestIdentity = new AsyncLocalStorage<RequestIdentity>();

/**
 * Runs `work` as one idempotent request (an HTTP command under an Idempotency-Key). The events its
 * commands write get ids derived from `seed` (caller, key and request hash) and the command's
 * place in the request, so running the same request again — the retry that takes over a claim
 * whose process died, or one after a transient failure — finds its events already in the stream
 * and answers from them instead of writing them twice. Another body under the key is another
 * seed: it can never be mistaken for the first request.
 */
export function withRequestIdentity<T>(seed: string, work: () => T): T {
  return requestIdentity.run({ seed, commandCount: 0 }, work);
}

/**
 * An id for something a request creates (a contract, a milestone): the same on every run of one
 * idempotent request, so a re-run addresses what the first run created; random otherwise.
 */
export function requestScopedId(purpose: string): string {
  const identity = requestIdentity.getStore();
  return identity ? deterministicId(`${identity.seed}:id:${purpose}`) : newId();
}

/** Load the stream, decide, append with the revision read: the whole write path of a command. */
export class CommandHandling {
  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly retry: ConcurrentRetry = jitteredBackoff,
  ) {}

  private readonly turns = new Turns();

  contract(contractId: string, command: ContractCommand | CommandBuilder<ContractCommand, ContractState>, context: CommandContext) {
    return this.handle(contractStream(contractId), contractDecider, command, context);
  }

  employer(employerId: string, command: Parameters<typeof employerDecider.decide>[0], context: CommandContext) {
    return this.handle(employerStream(employerId), employerDecider, command, context);
  }

  trainer(trainerId: string, command: Parameters<typeof trainerDecider.decide>[0], context: CommandContext) {
    return this.handle(trainerStream(trainerId), trainerDecider, command, context);
  }

  async loadContract(contractId: string) {
    return this.load(contractStream(contractId), contractDecider);
  }

  async loadEmployer(employerId: string) {
    return (await this.load(employerStream(employerId), employerDecider)).state;
  }

  async loadTrainer(trainerId: string) {
    return (await this.load(trainerStream(trainerId), trainerDecider)).state;
  }

  private async load<C, E extends DomainEvent, S>(streamId: string, decider: Decider<C, E, S>) {
    const recorded = await this.store.readStream(streamId);
    const state = recorded.reduce((s, r) => decider.evolve(s, { type: r.type, data: r.data } as E), decider.initialState());
    const last = recorded[recorded.length - 1];
    const expected: ExpectedRevision = last ? last.revision : 'no_stream';
    return { state, recorded, expected, position: last?.position ?? null };
  }

  /**
   * Commands on one stream take turns within this process: racing each other they could only make
   * each other load, decide and append again. Other processes' writers still race (the retries).
   */
  private handle<C, E extends DomainEvent, S>(
    streamId: string,
    decider: Decider<C, E, S>,
    commandOrBuilder: C | CommandBuilder<C, S>,
    context: CommandContext,
  ): Promise<CommandResult<S>> {
    const eventIds = eventIdsFor(context);
    return this.turns.take(streamId, () => this.retrying(streamId, decider, commandOrBuilder, context, eventIds));
  }

  /** Lost an append race: wait a jittered moment, reload and decide again, a bounded number of times. */
  private async retrying<C, E extends DomainEvent, S>(
    streamId: string,
    decider: Decider<C, E, S>,
    commandOrBuilder: C | CommandBuilder<C, S>,
    context: CommandContext,
    eventIds: EventIds,
  ): Promise<CommandResult<S>> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.decideAndAppend(streamId, decider, commandOrBuilder, context, eventIds);
      } catch (error) {
        if (!(error instanceof WrongExpectedVersion) || attempt >= this.retry.attemptsMax) throw error;
        await sleep(this.retry.delayMs(attempt));
      }
    }
  }

  private async decideAndAppend<C, E extends DomainEvent, S>(
    streamId: string,
    decider: Decider<C, E, S>,
    commandOrBuilder: C | CommandBuilder<C, S>,
    context: CommandContext,
    eventIds: EventIds,
  ): Promise<CommandResult<S>> {
    const { state, recorded, expected } = await this.load(streamId, decider);
    const applied = alreadyApplied(recorded, eventIds);
    if (applied) return { events: [], state, position: applied.position, alreadyApplied: true };
    const command = typeof commandOrBuilder === 'function' ? await (commandOrBuilder as CommandBuilder<C, S>)(state) : commandOrBuilder;
    const events = decider.decide(command, state);
    if (events.length === 0) return { events, state, position: null, alreadyApplied: false };
    const result = await this.store.append(streamId, events.map((e, i) => this.envelope(e, eventIds.at(i), context)), expected);
    return { events, state: events.reduce(decider.evolve, state), position: result.position, alreadyApplied: false };
  }

  private envelope(event: DomainEvent, eventId: string, context: CommandContext) {
    const data = event.data as { contractId?: string; milestoneId?: string; employerId?: string; trainerId?: string };
    return {
      eventId,
      type: event.type,
      data: event.data,
      metadata: {
        eventId,
        ...(data.contractId ? { contractId: data.contractId } : {}),
        ...(data.milestoneId ? { milestoneId: data.milestoneId } : {}),
        ...(data.employerId ? { employerId: data.employerId } : {}),
        ...(data.trainerId ? { trainerId: data.trainerId } : {}),
        actor: context.actor,
        correlationId: context.correlationId,
        causationId: context.causationId,
        occurredAt: this.clock.now().toISOString(),
        // Per event type: a type's version moves only when its own schema does.
        schemaVersion: schemaVersionOf(event.type),
      },
    };
  }
}

/**
 * One queue per key: work under a key starts when the previous work under it has settled, or has
 * run for `streamTurnWaitMaxMs`, so one stuck command cannot block its stream: past that, writers
 * race again, which optimistic concurrency keeps correct.
 */
class Turns {
  private readonly tails = new Map<string, Promise<void>>();

  async take<T>(key: string, work: () => Promise<T>): Promise<T> {
    const turn = this.tails.get(key) ?? Promise.resolve();
    const run = turn.then(work);
    const tail = turn.then(() => settledOrLate(run, streamTurnWaitMaxMs));
    this.tails.set(key, tail);
    try {
      return await run;
    } finally {
      // The last in line forgets the key, so the map holds only streams being written.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

/** Resolves (never rejects) when `work` settles, or after `waitMaxMs` if it has not by then. */
function settledOrLate(work: Promise<unknown>, waitMaxMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, waitMaxMs);
  });
  const settled = work.then(
    () => undefined,
    () => undefined,
  );
  return Promise.race([settled, late]).finally(() => clearTimeout(timer));
}

/**
 * Given ids (saga outcomes) first; inside an idempotent request, ids from its seed and this
 * command's place in it (counted once per command, not per attempt); random otherwise.
 */
function eventIdsFor(context: CommandContext): EventIds {
  const given = context.eventIds;
  if (given?.length) return { deterministic: true, at: (i) => given[i] ?? newId() };
  const identity = requestIdentity.getStore();
  if (!identity) return { deterministic: false, at: () => newId() };
  const command = identity.commandCount++;
  return { deterministic: true, at: (i) => deterministicId(`${identity.seed}:command:${command}:event:${i}`) };
}

/** The last event of an earlier run of this command, when its ids are already in the stream. */
function alreadyApplied(recorded: readonly RecordedEvent[], eventIds: EventIds): RecordedEvent | null {
  if (!eventIds.deterministic) return null;
  const byId = new Map(recorded.map((r) => [r.eventId, r]));
  let last: RecordedEvent | null = null;
  for (let i = 0; ; i++) {
    const found = byId.get(eventIds.at(i));
    if (!found) return last;
    last = found;
  }
}
