import { randomUUID } from 'node:crypto';
import { contractStream, usd, type Actor, type ContractEvent } from '@escrow/domain';
import { PostgresEventStore } from '@escrow/event-store';
import { ProjectorRunner, writeCheckpoint } from '@escrow/projector';
import type { SqlDb } from '@escrow/sql';
import { describeEachDatabase, withDatabase } from '../../test/support/databases';
import { catchUpToCommitted } from '../../test/support/catch-up';
import { notificationsProjection } from './notifications.projection';
import { listNotifications, markAllNotificationsRead, markNotificationRead } from './notifications.query';

const contractId = 'c_int';
const ref = (milestoneId: string) => ({ contractId, milestoneId });
const employer: Actor = { role: 'employer', id: 'emp_1' };
const trainer: Actor = { role: 'trainer', id: 'tr_1' };
const milestones = ['m1', 'm2', 'm3'];

/** Three milestones funded, approved and paid: 3 notifications for the employer, 6 for the trainer. */
const events: ContractEvent[] = [
  { type: 'ContractCreated', data: { contractId, employerId: employer.id, trainerId: trainer.id, projectName: 'Eval' } },
  ...milestones.flatMap((m, i): ContractEvent[] => [
    { type: 'MilestoneCreated', data: { ...ref(m), name: `Batch ${i + 1}`, description: null, amount: usd(10_000), dueDate: null } },
    { type: 'MilestoneFundingRequested', data: { ...ref(m), employerId: employer.id, amount: usd(10_000), customerId: 'cus_1', paymentMethodId: 'pm_1' } },
    { type: 'MilestoneFunded', data: { ...ref(m), amount: usd(10_000), paymentIntentId: `pi_${m}`, chargeId: `ch_${m}` } },
    { type: 'MilestoneApprovalRequested', data: { ...ref(m), trainerId: trainer.id, note: null } },
    { type: 'MilestoneApproved', data: { ...ref(m), trainerId: trainer.id, amount: usd(10_000), fee: usd(0), net: usd(10_000), feeBps: 0, chargeId: `ch_${m}`, reason: 'employer' } },
    { type: 'MilestonePayoutCompleted', data: { ...ref(m), trainerId: trainer.id, amount: usd(10_000), transferId: `tr_${m}`, destinationAccountId: 'acct_1' } },
  ]),
];

const page = (db: SqlDb, recipient: Actor, options: Partial<Parameters<typeof listNotifications>[1]> = {}) =>
  listNotifications(db, { recipient, unreadOnly: false, limit: 20, after: null, ...options });

describeEachDatabase('notifications projection', (target) => {
  const database = withDatabase(target);
  let db: SqlDb;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = database.db;
    store = await PostgresEventStore.open(db);
    database.onClose(() => store.close());
    const toAppend = events.map((event, i) => ({
      eventId: randomUUID(),
      type: event.type,
      data: event.data,
      metadata: { occurredAt: new Date(Date.UTC(2026, 2, 1, 10, i)).toISOString() },
    }));
    await store.append(contractStream(contractId), toAppend, 'no_stream');
    await project();
  });

  async function project() {
    const runner = new ProjectorRunner(store, db, notificationsProjection);
    await runner.prepare();
    return catchUpToCommitted(runner, store);
  }

  it('notifies each party of its own events, newest first', async () => {
    const forEmployer = await page(db, employer);
    expect(forEmployer.notifications.map((n) => [n.type, n.milestoneId])).toEqual([
      ['milestone_approval_requested', 'm3'],
      ['milestone_approval_requested', 'm2'],
      ['milestone_approval_requested', 'm1'],
    ]);
    expect(forEmployer.notifications[0]).toMatchObject({ recipient: employer, title: 'Approval requested: Batch 3', contractId, readAt: null });
    expect(forEmployer).toMatchObject({ next: null, unreadCount: 3 });
    const forTrainer = await page(db, trainer);
    expect(forTrainer.notifications.map((n) => [n.type, n.milestoneId])).toEqual(
      ['m3', 'm2', 'm1'].flatMap((m) => [['milestone_payout_completed', m], ['milestone_funded', m]]),
    );
    expect(await page(db, { role: 'support', id: 'sup_1' })).toEqual({ notifications: [], next: null, unreadCount: 0 });
  });

  it('pages with a keyset cursor without gaps or repeats', async () => {
    const all = (await page(db, trainer)).notifications.map((n) => n.id);
    const seen: string[] = [];
    let after = null;
    for (let pages = 0; pages < 10; pages++) {
      const result: Awaited<ReturnType<typeof listNotifications>> = await page(db, trainer, { limit: 4, after });
      seen.push(...result.notifications.map((n) => n.id));
      after = result.next;
      if (!after) break;
    }
    expect(seen).toEqual(all);
  });

  it('marks read per recipient only, keeps the first read time, and filters unread', async () => {
    const [newest] = (await page(db, employer)).notifications;
    expect(await markNotificationRead(db, trainer, newest!.id, '2026-03-02T00:00:00.000Z')).toBeNull();
    expect((await page(db, employer)).unreadCount).toBe(3);

    const read = await markNotificationRead(db, employer, newest!.id, '2026-03-02T00:00:00.000Z');
    expect(read).toMatchObject({ id: newest!.id, readAt: '2026-03-02T00:00:00.000Z' });
    const again = await markNotificationRead(db, employer, newest!.id, '2026-03-03T00:00:00.000Z');
    expect(again?.readAt).toBe('2026-03-02T00:00:00.000Z');

    const unread = await page(db, employer, { unreadOnly: true });
    expect(unread.notifications.map((n) => n.milestoneId)).toEqual(['m2', 'm1']);
    expect(unread.unreadCount).toBe(2);
  });

  it('marks everything read for one recipient, and nothing of another', async () => {
    expect(await markAllNotificationsRead(db, trainer, '2026-03-04T00:00:00.000Z')).toBe(6);
    expect(await markAllNotificationsRead(db, trainer, '2026-03-05T00:00:00.000Z')).toBe(0);
    expect((await page(db, trainer, { unreadOnly: true })).notifications).toEqual([]);
    expect((await page(db, employer)).unreadCount).toBe(2);
  });

  it('keeps read marks across a rebuild: same ids, same read times', async () => {
    const before = { employer: await page(db, employer), trainer: await page(db, trainer) };
    expect(notificationsProjection.tables).not.toContain('notification_reads');
    await db.transaction(async (tx) => {
      for (const table of notificationsProjection.tables) await tx.query(`delete from ${table}`);
      await writeCheckpoint(tx, notificationsProjection.name, null);
    });
    expect((await page(db, trainer)).notifications).toEqual([]);
    expect(await project()).toBe(events.length);
    expect(await page(db, employer)).toEqual(before.employer);
    expect(await page(db, trainer)).toEqual(before.trainer);
  });
});
