import { InvariantViolation } from '@escrow/domain';
import type { RecordedEvent } from '@escrow/event-store';
import type { SqlDb } from '@escrow/sql';
import { describeEachDatabase, withDatabase } from '../../test/support/databases';
import { applyInBatches, emptyReadModel } from '../../test/support/projection-batches';
import { dumpTables, mixedContractLog } from '../payment-history/testing/mixed-events';
import { notificationId } from './notifications.evolve';
import { notificationsProjection } from './notifications.projection';

const allTables = [...notificationsProjection.tables, 'notification_reads'];

/**
 * `applyBatch` leaves the same rows, and fails with the same message, whatever the batch size:
 * batches of 1 (the per-event behaviour) against larger ones, on one generated log.
 */
describeEachDatabase('notifications applyBatch', (target) => {
  const log = mixedContractLog(60);
  const database = withDatabase(target);
  // Read marks are user state: present before the replay, untouched by it.
  const funded = log.find((e) => e.type === 'MilestoneFunded')!;
  const fundedContract = Number((funded.data as { contractId: string }).contractId.slice(2));
  const marks = [
    [notificationId(funded.eventId, { role: 'trainer', id: `tr_${fundedContract % 3}` }), '2026-04-01T00:00:00.000Z'],
    ['ntf_of_a_vanished_event', '2026-04-02T00:00:00.000Z'],
  ];

  /** The rows left by `run` on an empty read model holding the read marks. */
  async function project(run: (db: SqlDb) => Promise<void>) {
    const { db } = database;
    await emptyReadModel(db, notificationsProjection);
    for (const [id, at] of marks) await db.query('insert into notification_reads (notification_id, read_at) values ($1, $2)', [id, at]);
    await run(db);
    return dumpTables(db, allTables);
  }
  const inBatches = (events: readonly RecordedEvent[], size: number) => (db: SqlDb) => applyInBatches(db, notificationsProjection, events, size);

  let perEvent: Record<string, unknown[]>;
  beforeAll(async () => {
    perEvent = await project(inBatches(log, 1));
  });

  it('the log is realistic: every notifying event type, several recipients per contract', () => {
    expect(log.length).toBeGreaterThan(1_000);
    expect(perEvent.notification_contracts).toHaveLength(60);
    expect(perEvent.notifications!.length).toBeGreaterThan(500);
    const types = new Set((perEvent.notifications as string[]).map((row) => row.split(',')[3]));
    // 7, and the auto-release reminder and auto-approval.
    expect(types.size).toBe(9);
    expect(perEvent.notification_reads).toHaveLength(2);
  });

  it.each([7, 500, log.length])('batches of %i write exactly the rows of one event per batch, read marks untouched', async (size) => {
    expect(await project(inBatches(log, size))).toEqual(perEvent);
  });

  it('continues a read model written earlier, and replaying a batch again changes nothing', async () => {
    const half = Math.floor(log.length / 2);
    const rows = await project(async (db) => {
      await inBatches(log.slice(0, half), 1)(db);
      await inBatches(log.slice(half), 333)(db);
      await inBatches(log.slice(half), 500)(db);
    });
    expect(rows).toEqual(perEvent);
  });

  it('fails loudly on the same broken event, with the same message', async () => {
    const broken = log.slice(0, 400);
    const fundedIndex = broken.findIndex((e) => e.type === 'MilestoneFunded');
    const orphan = { ...broken[fundedIndex]!, eventId: 'orphan', data: { ...(broken[fundedIndex]!.data as object), milestoneId: 'm_never_created' } };
    const bad = [...broken.slice(0, fundedIndex + 5), orphan, ...broken.slice(fundedIndex + 5)];
    const failure = async (size: number) => {
      const error = await project(inBatches(bad, size)).then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(InvariantViolation);
      return (error as Error).message;
    };
    const expected = await failure(1);
    expect(expected).toMatch(/milestone m_never_created was created in contract/);
    expect(await failure(500)).toBe(expected);
    expect(await failure(7)).toBe(expected);
  });
});
