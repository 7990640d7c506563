import { BadRequestException } from '@nestjs/common';
import { isPosition } from '@escrow/event-store';
import {
  notificationsPageSizeDefault,
  notificationsPageSizeMax,
  type NotificationsCursor,
} from '@escrow/projections/notifications';
import { externalIdPattern } from '../http/validators';

/** GET /v1/notifications query parameters, each refused with a 400 that names it. */
export interface NotificationsQueryParams {
  readonly unread?: string;
  readonly limit?: string;
  readonly cursor?: string;
}

export function parseNotificationsQuery(params: NotificationsQueryParams) {
  return { unreadOnly: parseUnread(params.unread), limit: parseLimit(params.limit), after: decodeCursor(params.cursor) };
}

function parseUnread(raw: string | undefined): boolean {
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true') return true;
  throw new BadRequestException('unread: must be true or false');
}

function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return notificationsPageSizeDefault;
  const limit = /^\d{1,4}$/.test(raw) ? Number(raw) : NaN;
  if (!(limit >= 1 && limit <= notificationsPageSizeMax)) {
    throw new BadRequestException(`limit: must be an integer from 1 to ${notificationsPageSizeMax}`);
  }
  return limit;
}

/** Cursors are opaque to clients: base64url of [position, id] of the last notification served. */
export function encodeCursor(cursor: NotificationsCursor): string {
  return Buffer.from(JSON.stringify([cursor.position, cursor.id])).toString('base64url');
}

function decodeCursor(raw: string | undefined): NotificationsCursor | null {
  if (raw === undefined) return null;
  const invalid = new BadRequestException('cursor: must be the nextCursor of a previous page');
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (!Array.isArray(decoded) || decoded.length !== 2) throw invalid;
  const [position, id] = decoded as unknown[];
  if (typeof position !== 'string' || !isPosition(position)) throw invalid;
  if (typeof id !== 'string' || !externalIdPattern.test(id)) throw invalid;
  return { position, id };
}
