import { DomainError, type DomainErrorKind } from '../shared/errors';

/**
 * Given/when/then for any decider: `given(events).when(command).then(events)` or
 * `.thenThrows(kind, messagePart)`. Test-only (uses Jest's global expect).
 */
export interface Decider<Command, Event, State> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState(): State;
}

export function deciderSpec<Command, Event, State>(decider: Decider<Command, Event, State>) {
  return {
    given(history: Event[]) {
      return {
        when(command: Command) {
          const run = () => decider.decide(command, history.reduce(decider.evolve, decider.initialState()));
          return {
            then(expected: Event[]) {
              const produced = run();
              expect(produced).toEqual(expected);
              // What was decided must also evolve cleanly, or the stream could not be read back.
              [...history, ...produced].reduce(decider.evolve, decider.initialState());
            },
            thenThrows(kind: DomainErrorKind, messagePart: string | RegExp) {
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
