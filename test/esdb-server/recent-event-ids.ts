/** Where an event id was committed: its stream and revision. */
export interface CommittedEventRef {
  readonly stream: string;
  readonly revision: number;
}

/**
 * The server's in-memory cache of recently committed event ids (IndexWriter `_committedEvents`, a
 * BoundedCache filled by PreCommit). Idempotency with `any` / `stream_exists` consults only this,
 * so it is bounded, starts empty after a restart or a leader change, and a later id for the same
 * event overwrites an earlier one (PutRecord with throwOnDuplicate: false). `forget` models the
 * restart.
 */
export class RecentEventIds {
  private readonly byId = new Map<string, CommittedEventRef>();

  constructor(private readonly capacity: number) {}

  remember(eventId: string, ref: CommittedEventRef): void {
    this.byId.delete(eventId);
    this.byId.set(eventId, ref);
    if (this.byId.size > this.capacity) {
      const oldest = this.byId.keys().next().value;
      if (oldest !== undefined) this.byId.delete(oldest);
    }
  }

  lookup(eventId: string): CommittedEventRef | undefined {
    return this.byId.get(eventId);
  }

  forget(): void {
    this.byId.clear();
  }
}
