import { comparePositions, type EventStore } from '@escrow/event-store';

/**
 * `runner.catchUp()` applies what readers can see now. On PostgreSQL a commit becomes readable
 * only once every older transaction of the cluster has ended, and other suites run transactions
 * on the same server at the same time: a test that has just appended may read nothing yet. This
 * catches up until the runner has passed every event committed before the call. Returns the
 * number of events applied.
 */
export async function catchUpToCommitted(runner: { catchUp(): Promise<number>; readonly checkpoint: string | null }, store: EventStore): Promise<number> {
  const head = await store.committedHeadPosition();
  let applied = await runner.catchUp();
  while (head !== null && (runner.checkpoint === null || comparePositions(runner.checkpoint, head) < 0)) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    applied += await runner.catchUp();
  }
  return applied;
}
