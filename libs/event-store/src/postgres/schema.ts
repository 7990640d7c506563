/**
 * What the adapter and the log's SQL (versioned migration 0001_event_store, libs/migrations) agree
 * on: the values the append functions raise, answer and lock with. The functions there spell them
 * out; a change to one is a new migration that replaces the function, and a change here alone
 * breaks the event-store contract suite.
 */
export const eventsChannel = 'es_events_appended';

/** SQLSTATEs raised by es_append, mapped back to typed errors by the adapter. */
export const wrongExpectedVersionState = 'ES001';
export const idempotencyConflictState = 'ES002';
/** The chain cannot be continued: an event without its content digest, or a previous event missing or unhashed. */
export const hashChainState = 'ES003';

/**
 * The advisory lock (two int4 keys: this class, hashtext of the stream id) every append takes on
 * each of its streams before its first write. It orders appends to a stream, and it makes a
 * transaction take its id (at its first write) only after every earlier append to the stream has
 * committed. Readers order the log by transaction id, so that is what keeps each stream's events
 * in revision order in the log: without it a group that took its id, then waited for a stream
 * behind a younger transaction, put that stream's next revision before the previous one (seen:
 * verify reported a broken link). Streams whose ids hash alike just share a lock.
 */
export const streamLockClass = 1_702_059_891; // the bytes of 'es_s', a class of our own

/**
 * Outcomes `es_append_group` answers per append instead of raising, so that one append's refusal
 * does not undo the others of its group.
 */
export const appendedOutcome = 'appended';
export const duplicateOutcome = 'duplicate';
