import { currentSchemaVersion, validateEvent } from '@escrow/event-schemas';
import { DomainError, type DomainErrorKind } from '../shared/errors';

/**
 * Given/when/then for any decider: `given(events).when(command).then(events)` or
 * `.thenThrows(kind, messagePart)`. Test-only (uses Jest's global expect).
 *
 * Every event a spec gives or expects is also checked against the published JSON schema of its
 * type at the current version, so the contract in libs/event-schemas cannot drift from what the
 * domain writes and reads. The types decided are recorded for the coverage test there.
 */
export interface Decider<Command, Event, State> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

interface TypedEvent {
  readonly type: string;
  readonly data: unknown;
}

const typesProduced = new Set<string>();

/** The event types decided (`then`) by the decider specs run so far in this test file. */
export function eventTypesProducedBySpecs(): ReadonlySet<string> {
  return typesProduced;
}

/** Throws with every schema error of every event that does not conform to its current schema. */
export function expectConformingEvents(events: readonly TypedEvent[]): void {
  const problems = events.flatMap((event) => {
    let version: number;
    try {
      version = currentSchemaVersion(event.type);
    } catch (error) {
      return [`${event.type}: ${(error as Error).message}`];
    }
    return validateEvent(event.type, version, event.data).map((error) => `${event.type} v${version} data${error}`);
  });
  if (problems.length > 0) {
    throw new Error(`events do not conform to their published schema:\n  ${problems.join('\n  ')}`);
  }
}

export function deciderSpec<Command, Event extends TypedEvent, State>(decider: Decider<Command, Event, State>) {
  return {
    given(history: Event[]) {
      return {
        when(command: Command) {
          const run = () => decider.decide(command, history.reduce(decider.evolve, decider.initialState()));
          return {
            then(expected: Event[]) {
              expectConformingEvents(history);
              const produced = run();
              expect(produced).toEqual(expected);
              expectConformingEvents(produced);
              for (const event of produced) typesProduced.add(event.type);
              // What was decided must also evolve cleanly, or the stream could not be read back.
              [...history, ...produced].reduce(decider.evolve, decider.initialState());
            },
            thenThrows(kind: DomainErrorKind, messagePart: string | RegExp) {
              expectConformingEvents(history);
              let caught: unknown;
              try {
                run();
              } catch (error) {
                caught = error;
              }
              expect(caught).toBeInstanceOf(DomainError);
              expect((caught as DomainError).kind).toBe(kind);
              expect((caught as DomainError).message).toMatch(messagePart);
            },
          };
        },
      };
    },
  };
}
