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
import { WrongExpectedVersion, type EventStore, type ExpectedRevision, type RecordedEvent } from '@escrow/event-store';
import { newId, type Clock } from './ids';

/** Concurrent writers on one contract: reload and decide again this many times, then give up. */
export const wrongVersionRetryCountMax = 3;

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

/** Builds the command from the state just loaded (when it needs other streams' data too). */
export type CommandBuilder<C, S> = (state: S) => C | Promise<C>;

interface Decider<Command, Event extends DomainEvent, State> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

/** Load the stream, decide, append with the revision read: the whole write path of a command. */
export class CommandHandling {
  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
  ) {}

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

  private async handle<C, E extends DomainEvent, S>(
    streamId: string,
    decider: Decider<C, E, S>,
    commandOrBuilder: C | CommandBuilder<C, S>,
    context: CommandContext,
  ): Promise<CommandResult<S>> {
    for (let attempt = 1; ; attempt++) {
      const { state, recorded, expected } = await this.load(streamId, decider);
      const applied = alreadyApplied(recorded, context.eventIds);
      if (applied) return { events: [], state, position: applied.position, alreadyApplied: true };
      const command = typeof commandOrBuilder === 'function' ? await (commandOrBuilder as CommandBuilder<C, S>)(state) : commandOrBuilder;
      const events = decider.decide(command, state);
      if (events.length === 0) return { events, state, position: null, alreadyApplied: false };
      try {
        const result = await this.store.append(streamId, events.map((e, i) => this.envelope(e, i, context)), expected);
        return { events, state: events.reduce(decider.evolve, state), position: result.position, alreadyApplied: false };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersion) || attempt >= wrongVersionRetryCountMax) throw error;
      }
    }
  }

  private envelope(event: DomainEvent, index: number, context: CommandContext) {
    const eventId = context.eventIds?.[index] ?? newId();
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

function alreadyApplied(recorded: readonly RecordedEvent[], eventIds: readonly string[] | undefined): RecordedEvent | null {
  if (!eventIds?.length) return null;
  return recorded.find((r) => r.eventId === eventIds[0]) ?? null;
}
