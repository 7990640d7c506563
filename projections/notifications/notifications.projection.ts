import { assert } from '@escrow/domain';
import type { RecordedEvent } from '@escrow/event-store';
import type { Projection } from '@escrow/projector';
import type { SqlExecutor } from '@escrow/sql';
import {
  notificationsFor,
  toNotificationSource,
  type Notification,
  type NotificationContext,
  type NotificationLookupEvent,
  type SourceEvent,
} from './notifications.evolve';

/**
 * Derived tables (emptied and replayed by a rebuild): the notifications, and two small lookups
 * of the facts the texts need (the contract's parties and project, the milestones' names), kept
 * here so this projection depends on no other read model's progress.
 *
 * `notification_reads` is different: a read mark is something a user did, not something the log
 * says, so no replay could bring it back. It is created here but deliberately left out of
 * `tables`, so a rebuild keeps it; notification ids are derived from (event id, recipient), so
 * the rebuilt notifications get the same ids and their read marks apply again. No foreign key to
 * `notifications` for the same reason: the rebuild empties that table under the marks.
 */
export const notificationsSchema = `
create table if not exists notification_contracts (
  contract_id   text primary key,
  employer_id   text not null,
  trainer_id    text not null,
  project_name  text not null
);
create table if not exists notification_milestones (
  contract_id   text not null,
  milestone_id  text not null,
  name          text not null,
  primary key (contract_id, milestone_id)
);
create table if not exists notifications (
  id              text collate "C" primary key,
  recipient_role  text not null,
  recipient_id    text not null,
  type            text not null,
  title           text not null,
  message         text not null,
  contract_id     text not null,
  milestone_id    text not null,
  event_id        text not null,
  created_at      text not null,
  position        text collate "C" not null
);
create index if not exists notifications_recipient_newest on notifications (recipient_role, recipient_id, position desc, id desc);
create table if not exists notification_reads (
  notification_id  text collate "C" primary key,
  read_at          text not null
);
`;

export const notificationsProjection: Projection = {
  name: 'notifications',
  schema: notificationsSchema,
  // Not notification_reads: see above.
  tables: ['notifications', 'notification_contracts', 'notification_milestones'],
  async apply(tx: SqlExecutor, recorded: RecordedEvent) {
    const input = toNotificationSource(recorded);
    if (!input) return;
    if (input.kind === 'lookup') return remember(tx, input.source);
    const { contractId, milestoneId } = input.source.event.data;
    const context = await contextOf(tx, contractId, milestoneId);
    for (const notification of notificationsFor(input.source, context)) await insertNotification(tx, notification);
  },
};

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
  // The id is a function of (event, recipient): applying an event again cannot duplicate it.
  await tx.query(
    `insert into notifications (id, recipient_role, recipient_id, type, title, message, contract_id, milestone_id, event_id, created_at, position)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
     on conflict (id) do nothing`,
    [n.id, n.recipient.role, n.recipient.id, n.type, n.title, n.message, n.contractId, n.milestoneId, n.eventId, n.createdAt, n.position],
  );
}
