import { assert, domainEventOf } from '@escrow/domain';
import type { RecordedEvent } from '@escrow/event-store';
import type { Projection } from '@escrow/projector';
import type { SqlExecutor } from '@escrow/sql';
import {
  notificationsFor,
  toNotificationSource,
  type Notification,
  type NotificationContext,
  notificationLookupEventTypes,
  notifyingEventTypes,
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
  applyBatch: applyNotificationsBatch,
};

interface ContractFacts {
  readonly employerId: string;
  readonly trainerId: string;
  readonly projectName: string;
}

interface MilestoneFact {
  readonly contractId: string;
  readonly milestoneId: string;
  readonly name: string;
}

const milestoneKey = (contractId: string, milestoneId: string) => JSON.stringify([contractId, milestoneId]);

/**
 * The same effect as applying each event in order, in at most five statements: load the lookups
 * the batch's notifying events need, fold the events in memory (lookup events update the loaded
 * facts), then write each changed lookup row once and the new notifications in one insert.
 */
async function applyNotificationsBatch(tx: SqlExecutor, events: readonly RecordedEvent[]): Promise<void> {
  const wanted = new Map<string, { contractId: string; milestoneId: string }>();
  let relevant = false;
  for (const recorded of events) {
    const notifying = domainEventOf(recorded, notifyingEventTypes);
    if (notifying !== null) {
      relevant = true;
      const { contractId, milestoneId } = notifying.data;
      wanted.set(milestoneKey(contractId, milestoneId), { contractId, milestoneId });
    } else if (domainEventOf(recorded, notificationLookupEventTypes) !== null) {
      relevant = true;
    }
  }
  if (!relevant) return;
  const { contracts, milestones } = await loadLookups(tx, [...wanted.values()]);

  // Lookup rows: last state per key wins (one upsert must not touch a row twice).
  const changedContracts = new Map<string, ContractFacts & { contractId: string }>();
  const changedMilestones = new Map<string, MilestoneFact>();
  // Notifications: the first one per id wins, as `on conflict (id) do nothing` did event by event.
  const created = new Map<string, Notification>();
  for (const recorded of events) {
    const input = toNotificationSource(recorded);
    if (!input) continue;
    if (input.kind === 'lookup') {
      const { event } = input.source;
      if (event.type === 'ContractCreated') {
        const { contractId, employerId, trainerId, projectName } = event.data;
        contracts.set(contractId, { employerId, trainerId, projectName });
        changedContracts.set(contractId, { contractId, employerId, trainerId, projectName });
      } else {
        const { contractId, milestoneId, name } = event.data;
        const key = milestoneKey(contractId, milestoneId);
        milestones.set(key, name);
        changedMilestones.set(key, { contractId, milestoneId, name });
      }
      continue;
    }
    const { contractId, milestoneId } = input.source.event.data;
    const context = contextOf(contracts, milestones, contractId, milestoneId);
    for (const notification of notificationsFor(input.source, context)) {
      if (!created.has(notification.id)) created.set(notification.id, notification);
    }
  }
  await upsertContracts(tx, [...changedContracts.values()]);
  await upsertMilestones(tx, [...changedMilestones.values()]);
  await insertNotifications(tx, [...created.values()]);
}

async function loadLookups(
  tx: SqlExecutor,
  wanted: readonly { contractId: string; milestoneId: string }[],
): Promise<{ contracts: Map<string, ContractFacts>; milestones: Map<string, string> }> {
  const contracts = new Map<string, ContractFacts>();
  const milestones = new Map<string, string>();
  if (wanted.length === 0) return { contracts, milestones };
  const contractIds = [...new Set(wanted.map((w) => w.contractId))];
  const found = await tx.query<{ contract_id: string; employer_id: string; trainer_id: string; project_name: string }>(
    `select contract_id, employer_id, trainer_id, project_name from notification_contracts where contract_id = any($1::text[])`,
    [contractIds],
  );
  for (const row of found.rows) {
    contracts.set(row.contract_id, { employerId: row.employer_id, trainerId: row.trainer_id, projectName: row.project_name });
  }
  const names = await tx.query<{ contract_id: string; milestone_id: string; name: string }>(
    `select m.contract_id, m.milestone_id, m.name
       from notification_milestones m
       join unnest($1::text[], $2::text[]) as k(contract_id, milestone_id)
         on m.contract_id = k.contract_id and m.milestone_id = k.milestone_id`,
    [wanted.map((w) => w.contractId), wanted.map((w) => w.milestoneId)],
  );
  for (const row of names.rows) milestones.set(milestoneKey(row.contract_id, row.milestone_id), row.name);
  return { contracts, milestones };
}

function contextOf(
  contracts: ReadonlyMap<string, ContractFacts>,
  milestones: ReadonlyMap<string, string>,
  contractId: string,
  milestoneId: string,
): NotificationContext {
  const contract = contracts.get(contractId);
  assert(contract !== undefined, `contract ${contractId} was created before its milestones' events`);
  const name = milestones.get(milestoneKey(contractId, milestoneId));
  assert(name !== undefined, `milestone ${milestoneId} was created in contract ${contractId}`);
  return { ...contract, milestoneName: name };
}

async function upsertContracts(tx: SqlExecutor, rows: readonly (ContractFacts & { contractId: string })[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `insert into notification_contracts (contract_id, employer_id, trainer_id, project_name)
     select * from unnest($1::text[], $2::text[], $3::text[], $4::text[])
     on conflict (contract_id) do update set employer_id = excluded.employer_id, trainer_id = excluded.trainer_id, project_name = excluded.project_name`,
    [rows.map((r) => r.contractId), rows.map((r) => r.employerId), rows.map((r) => r.trainerId), rows.map((r) => r.projectName)],
  );
}

async function upsertMilestones(tx: SqlExecutor, rows: readonly MilestoneFact[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `insert into notification_milestones (contract_id, milestone_id, name)
     select * from unnest($1::text[], $2::text[], $3::text[])
     on conflict (contract_id, milestone_id) do update set name = excluded.name`,
    [rows.map((r) => r.contractId), rows.map((r) => r.milestoneId), rows.map((r) => r.name)],
  );
}

async function insertNotifications(tx: SqlExecutor, rows: readonly Notification[]): Promise<void> {
  if (rows.length === 0) return;
  // The id is a function of (event, recipient): applying an event again cannot duplicate it.
  await tx.query(
    `insert into notifications (id, recipient_role, recipient_id, type, title, message, contract_id, milestone_id, event_id, created_at, position)
     select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[])
     on conflict (id) do nothing`,
    [
      rows.map((n) => n.id),
      rows.map((n) => n.recipient.role),
      rows.map((n) => n.recipient.id),
      rows.map((n) => n.type),
      rows.map((n) => n.title),
      rows.map((n) => n.message),
      rows.map((n) => n.contractId),
      rows.map((n) => n.milestoneId),
      rows.map((n) => n.eventId),
      rows.map((n) => n.createdAt),
      rows.map((n) => n.position),
    ],
  );
}
