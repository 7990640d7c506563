import { assert, InvariantViolation } from '@escrow/domain';
import type { RecordedEvent } from '@escrow/event-store';
import type { SqlDb, SqlExecutor } from '@escrow/sql';
import { describeEachDatabase } from '../../test/support/databases';
import { dumpTables, mixedContractLog } from '../payment-history/testing/mixed-events';
import {
  notificationId,
  notificationsFor,
  toNotificationSource,
  type Notification,
  type NotificationContext,
  type NotificationLookupEvent,
  type SourceEvent,
} from './notifications.evolve';
import { notificationsProjection, notificationsSchema } from './notifications.projection';

/** The oracle: the projection written event by event, with its SQL per event; `applyBatch` must match it. */
async function oracleApply(tx: SqlExecutor, recorded: RecordedEvent): Promise<void> {
  const input = toNotificationSource(recorded);
  if (!input) return;
  if (input.kind === 'lookup') return remember(tx, input.source);
  const { contractId, milestoneId } = input.source.event.data;
  const context = await contextOf(tx, contractId, milestoneId);
  for (const notification of notificationsFor(input.source, context)) await insertNotification(tx, notification);
}

async function remember(tx: SqlExecutor, { event }: SourceEvent<NotificationLookupEvent>): Promise<void> {
  if (event.type === 'ContractCreated') {
    const { contractId, employerId, trainerId, projectName } = event.data;
    await tx.query(
      `insert into notification_contracts (contract_id, employer_id, trainer_id, project_name) values ($1, $2, $3, $4)
       on conflict (contract_id) do update set employer_id = excluded.employer_id, trainer_id = excluded.trainer_id, project_name = excluded.project_name`,
      [contractId, employerId, trainerId, projectName],
    );
    return;
  }
  const { contractId, milestoneId, name } = event.data;
  await tx.query(
    `insert into notification_milestones (contract_id, milestone_id, name) values ($1, $2, $3)
     on conflict (contract_id, milestone_id) do update set name = excluded.name`,
    [contractId, milestoneId, name],
  );
}

async function contextOf(tx: SqlExecutor, contractId: string, milestoneId: string): Promise<NotificationContext> {
  const { rows } = await tx.query<{ employer_id: string; trainer_id: string; project_name: string; name: string | null }>(
    `select c.employer_id, c.trainer_id, c.project_name, m.name
       from notification_contracts c
       left join notification_milestones m on m.contract_id = c.contract_id and m.milestone_id = $2
      where c.contract_id = $1`,
    [contractId, milestoneId],
  );
  const row = rows[0];
  assert(row !== undefined, `contract ${contractId} was created before its milestones' events`);
  assert(row.name !== null, `milestone ${milestoneId} was created in contract ${contractId}`);
  return { employerId: row.employer_id, trainerId: row.trainer_id, projectName: row.project_name, milestoneName: row.name };
}

async function insertNotification(tx: SqlExecutor, n: Notification): Promise<void> {
  await tx.query(
    `insert into notifications (id, recipient_role, recipient_id, type, title, message, contract_id, milestone_id, event_id, created_at, position)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     on conflict (id) do nothing`,
    [n.id, n.recipient.role, n.recipient.id, n.type, n.title, n.message, n.contractId, n.milestoneId, n.eventId, n.createdAt, n.position],
  );
}

type Mode = { readonly name: string; run(db: SqlDb, events: readonly RecordedEvent[]): Promise<void> };

const oneByOne = (name: string, apply: (tx: SqlExecutor, e: RecordedEvent) => Promise<void>): Mode => ({
  name,
  async run(db, events) {
    await db.transaction(async (tx) => {
      for (const event of events) await apply(tx, event);
    });
  },
});
const batched = (size: number): Mode => ({
  name: `applyBatch in batches of ${size}`,
  async run(db, events) {
    for (let i = 0; i < events.length; i += size) await db.transaction((tx) => notificationsProjection.applyBatch!(tx, events.slice(i, i + size)));
  },
});

const allTables = [...notificationsProjection.tables, 'notification_reads'];

describeEachDatabase('notifications applyBatch', (target) => {
  const log = mixedContractLog(60);
  // Read marks are user state: present before the replay, untouched by it.
  const funded = log.find((e) => e.type === 'MilestoneFunded')!;
  const fundedContract = Number((funded.data as { contractId: string }).contractId.slice(2));
  const marks = [
    [notificationId(funded.eventId, { role: 'trainer', id: `tr_${fundedContract % 3}` }), '2026-04-01T00:00:00.000Z'],
    ['ntf_of_a_vanished_event', '2026-04-02T00:00:00.000Z'],
  ];
  let reference: Record<string, unknown[]>;
  beforeAll(async () => {
    reference = await project(oneByOne('oracle', oracleApply), log);
  });

  async function project(mode: Mode, events: readonly RecordedEvent[]) {
    const db = await target.open();
    try {
      await db.exec(notificationsSchema);
      for (const [id, at] of marks) await db.query('insert into notification_reads (notification_id, read_at) values ($1, $2)', [id, at]);
      await mode.run(db, events);
      return await dumpTables(db, allTables);
    } finally {
      await db.close();
    }
  }

  it('the log is realistic: every notifying event type, several recipients per contract', () => {
    expect(log.length).toBeGreaterThan(1_000);
    expect(reference.notification_contracts).toHaveLength(60);
    expect(reference.notifications!.length).toBeGreaterThan(500);
    const types = new Set((reference.notifications as string[]).map((row) => row.split(',')[3]));
    expect(types.size).toBe(7);
    expect(reference.notification_reads).toHaveLength(2);
  });

  it.each([oneByOne('apply event by event', (tx, e) => notificationsProjection.apply(tx, e)), batched(1), batched(7), batched(500), batched(2_000)])(
    'writes exactly the rows of the per-event implementation, read marks untouched: $name',
    async (mode) => {
      expect(await project(mode, log)).toEqual(reference);
    },
  );

  it('continues a read model written earlier, and replaying a batch again changes nothing', async () => {
    const half = Math.floor(log.length / 2);
    const mixed: Mode = {
      name: 'oracle then batches, then the tail again',
      async run(db, events) {
        await oneByOne('oracle', oracleApply).run(db, events.slice(0, half));
        await batched(333).run(db, events.slice(half));
        await batched(500).run(db, events.slice(half));
      },
    };
    expect(await project(mixed, log)).toEqual(reference);
  });

  it('fails loudly on the same broken event, with the same message', async () => {
    const broken = log.slice(0, 400);
    const fundedIndex = broken.findIndex((e) => e.type === 'MilestoneFunded');
    const orphan = { ...broken[fundedIndex]!, eventId: 'orphan', data: { ...(broken[fundedIndex]!.data as object), milestoneId: 'm_never_created' } };
    const bad = [...broken.slice(0, fundedIndex + 5), orphan, ...broken.slice(fundedIndex + 5)];
    const failure = async (mode: Mode) => {
      const error = await project(mode, bad).then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(InvariantViolation);
      return (error as Error).message;
    };
    const expected = await failure(oneByOne('oracle', oracleApply));
    expect(expected).toMatch(/milestone m_never_created was created in contract/);
    expect(await failure(batched(500))).toBe(expected);
    expect(await failure(batched(7))).toBe(expected);
  });
});
