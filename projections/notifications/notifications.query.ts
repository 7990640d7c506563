import { assert, type Actor } from '@escrow/domain';
import type { SqlExecutor } from '@escrow/sql';
import type { NotificationType } from './notifications.evolve';

/** Page sizes for GET /v1/notifications. */
export const notificationsPageSizeDefault = 20;
export const notificationsPageSizeMax = 100;

/** Keyset position in a recipient's list (newest first): the last notification already served. */
export interface NotificationsCursor {
  readonly position: string;
  readonly id: string;
}

export interface NotificationsPageQuery {
  /** The reader: a token's party. Staff simply have no notifications. */
  readonly recipient: Actor;
  readonly unreadOnly: boolean;
  readonly limit: number;
  readonly after: NotificationsCursor | null;
}

export interface NotificationRow {
  readonly id: string;
  readonly recipient: { readonly role: string; readonly id: string };
  readonly type: NotificationType;
  readonly title: string;
  readonly message: string;
  readonly contractId: string;
  readonly milestoneId: string;
  readonly createdAt: string;
  readonly readAt: string | null;
  readonly position: string;
}

export interface NotificationsPage {
  readonly notifications: NotificationRow[];
  /** Where the next page starts, or null when this one is the last. */
  readonly next: NotificationsCursor | null;
  readonly unreadCount: number;
}

interface Row {
  id: string;
  recipient_role: string;
  recipient_id: string;
  type: NotificationType;
  title: string;
  message: string;
  contract_id: string;
  milestone_id: string;
  created_at: string;
  read_at: string | null;
  position: string;
}

const columns = `n.id, n.recipient_role, n.recipient_id, n.type, n.title, n.message, n.contract_id, n.milestone_id,
  n.created_at, n.position, r.read_at`;

/** Newest first (log order), one page, keyset-paginated so pages hold still while new ones arrive. */
export async function listNotifications(db: SqlExecutor, query: NotificationsPageQuery): Promise<NotificationsPage> {
  assert(Number.isInteger(query.limit) && query.limit >= 1 && query.limit <= notificationsPageSizeMax, 'page size is 1..max');
  const params: unknown[] = [query.recipient.role, query.recipient.id];
  const where = ['n.recipient_role = $1', 'n.recipient_id = $2'];
  if (query.unreadOnly) where.push('r.notification_id is null');
  if (query.after) {
    params.push(query.after.position, query.after.id);
    where.push(`(n.position, n.id) < ($${params.length - 1}, $${params.length})`);
  }
  params.push(query.limit + 1);
  const { rows } = await db.query<Row>(
    `select ${columns}
       from notifications n left join notification_reads r on r.notification_id = n.id
      where ${where.join(' and ')}
      order by n.position desc, n.id desc
      limit $${params.length}`,
    params,
  );
  const page = rows.slice(0, query.limit).map(toNotification);
  const last = page[page.length - 1];
  const next = rows.length > query.limit && last ? { position: last.position, id: last.id } : null;
  return { notifications: page, next, unreadCount: await unreadCount(db, query.recipient) };
}

async function unreadCount(db: SqlExecutor, recipient: Actor): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `select count(*)::text as n
       from notifications n left join notification_reads r on r.notification_id = n.id
      where n.recipient_role = $1 and n.recipient_id = $2 and r.notification_id is null`,
    [recipient.role, recipient.id],
  );
  const count = Number(rows[0]?.n);
  assert(Number.isSafeInteger(count) && count >= 0, 'unread count is a count');
  return count;
}

/**
 * Marks one notification read for its recipient; the first read time stays. Null when the
 * recipient has no such notification (someone else's looks exactly like a missing one).
 */
export async function markNotificationRead(
  db: SqlExecutor,
  recipient: Actor,
  notificationId: string,
  readAt: string,
): Promise<NotificationRow | null> {
  await db.query(
    `insert into notification_reads (notification_id, read_at)
     select n.id, $4 from notifications n where n.id = $1 and n.recipient_role = $2 and n.recipient_id = $3
     on conflict (notification_id) do nothing`,
    [notificationId, recipient.role, recipient.id, readAt],
  );
  const { rows } = await db.query<Row>(
    `select ${columns}
       from notifications n left join notification_reads r on r.notification_id = n.id
      where n.id = $1 and n.recipient_role = $2 and n.recipient_id = $3`,
    [notificationId, recipient.role, recipient.id],
  );
  const row = rows[0];
  if (!row) return null;
  assert(row.read_at !== null, `notification ${notificationId} is read after marking it`);
  return toNotification(row);
}

/** Marks every unread notification of the recipient read; returns how many it marked. */
export async function markAllNotificationsRead(db: SqlExecutor, recipient: Actor, readAt: string): Promise<number> {
  const { rowCount } = await db.query(
    `insert into notification_reads (notification_id, read_at)
     select n.id, $3 from notifications n
      where n.recipient_role = $1 and n.recipient_id = $2
        and not exists (select 1 from notification_reads r where r.notification_id = n.id)
     on conflict (notification_id) do nothing`,
    [recipient.role, recipient.id, readAt],
  );
  return rowCount;
}

function toNotification(row: Row): NotificationRow {
  return {
    id: row.id,
    recipient: { role: row.recipient_role, id: row.recipient_id },
    type: row.type,
    title: row.title,
    message: row.message,
    contractId: row.contract_id,
    milestoneId: row.milestone_id,
    createdAt: row.created_at,
    readAt: row.read_at,
    position: row.position,
  };
}
