import { checkCommit } from './commit-check';
import type { LoggedEvent, ProposedEvent, TransactionLog } from './transaction-log';

export type AppendOutcome =
  /** Written now; acknowledged once indexed. */
  | { readonly kind: 'written'; readonly last: LoggedEvent }
  /** The same batch was written before: answered as that write was (its last event). */
  | { readonly kind: 'idempotent'; readonly last: LoggedEvent }
  | { readonly kind: 'wrong_expected_version'; readonly currentVersion: number }
  /** An idempotent retry of a write not yet indexed: dropped, as the server drops it. */
  | { readonly kind: 'dropped' };

/**
 * One append, decided and written in one synchronous step, as the server's single writer does:
 * nothing else touches the log between the check and the write.
 */
export function appendToLog(log: TransactionLog, stream: string, expected: number, events: readonly ProposedEvent[]): AppendOutcome {
  const indexed = log.indexedStream(stream);
  const decision = checkCommit({
    stream,
    expected,
    eventIds: events.map((event) => event.eventId),
    currentVersion: log.currentVersion(stream),
    metastreamVersion: log.currentVersion(`$$${stream}`),
    indexedLastRevision: indexed.length - 1,
    recentEvent: (eventId) => log.recentEventIds.lookup(eventId),
    indexedEventIdAt: (revision) => indexed[revision]?.eventId,
  });
  switch (decision.kind) {
    case 'ok':
      return { kind: 'written', last: log.write(stream, events).at(-1)! };
    case 'idempotent':
      return { kind: 'idempotent', last: indexed[decision.lastRevision]! };
    case 'wrong_expected_version':
    case 'corrupted_idempotency':
      // "part of transaction is ok, other is different … WrongExpectedVersion is ok answer"
      return { kind: 'wrong_expected_version', currentVersion: decision.currentVersion };
    case 'idempotent_not_ready':
      return { kind: 'dropped' };
    default: {
      const exhaustive: never = decision;
      return exhaustive;
    }
  }
}
