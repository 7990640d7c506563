import { randomUUID } from 'node:crypto';
import { describeEachDatabase, withDatabase } from '../../../test/support/databases';
import { IdempotencyConflict, WrongExpectedVersion, type EventToAppend } from './event-store';
import { MeasuredEventStore, streamCategoryOf, type AppendOutcome } from './measured-event-store';
import { PostgresEventStore } from './postgres/postgres-event-store';

// Its pass-through of reads and subscriptions is exercised by every app spec: the app's store is
// always this wrapper (libs/runtime infrastructure.module.ts). Here: what it reports.
describeEachDatabase('MeasuredEventStore reports each append', (target) => {
  const database = withDatabase(target);
  const event = (eventId: string = randomUUID()): EventToAppend => ({ eventId, type: 'Happened', data: { n: 1 }, metadata: {} });
  const stepMs = 5;

  /** A store whose clock moves `stepMs` per reading, so each append lasts exactly one step. */
  async function measured() {
    const appends: [AppendOutcome, number][] = [];
    const conflicts: string[] = [];
    let nowMs = 0;
    const store = new MeasuredEventStore(
      await PostgresEventStore.open(database.db),
      { appended: (outcome, durationS) => appends.push([outcome, durationS]), conflicted: (category) => conflicts.push(category) },
      () => (nowMs += stepMs),
    );
    return { store, appends, conflicts };
  }

  it('tells appended, duplicate, wrong_expected_version (with the stream category) and error apart, each with its duration', async () => {
    const { store, appends, conflicts } = await measured();
    const streamId = `contract-${randomUUID()}`;
    const batch = [event(), event()];
    try {
      await store.append(streamId, batch, 'no_stream');
      // The same batch again: an idempotent retry, nothing written.
      expect(await store.append(streamId, batch, 'no_stream')).toMatchObject({ duplicate: true });
      await expect(store.append(streamId, [event()], 'no_stream')).rejects.toBeInstanceOf(WrongExpectedVersion);
      // One id known, one new: neither a retry nor new work.
      await expect(store.append(streamId, [batch[0]!, event()], 'any')).rejects.toBeInstanceOf(IdempotencyConflict);
    } finally {
      await store.close();
    }
    const durationS = stepMs / 1000;
    expect(appends).toEqual([
      ['appended', durationS],
      ['duplicate', durationS],
      ['wrong_expected_version', durationS],
      ['error', durationS],
    ]);
    expect(conflicts).toEqual(['contract']);
  });

  it('names a stream by the part of its id before the first dash (the id itself has dashes)', () => {
    expect(streamCategoryOf(`employer-${randomUUID()}`)).toBe('employer');
    expect(streamCategoryOf(`contract-${randomUUID()}`)).toBe('contract');
    expect(streamCategoryOf('settings')).toBe('settings');
  });
});
