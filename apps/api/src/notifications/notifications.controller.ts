import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { notFound, type Actor } from '@escrow/domain';
import {
  listNotifications,
  markAllNotificationsRead,
  markNotificationRead,
  type NotificationRow,
} from '@escrow/projections/notifications';
import { CLOCK, SQL_DB, type Clock } from '@escrow/runtime';
import type { SqlDb } from '@escrow/sql';
import { CurrentActor } from '../auth/auth.guard';
import { PathId } from '../http/path-id.pipe';
import { encodeCursor, parseNotificationsQuery } from './notifications.params';

/** The token's party's own notifications: every role may ask, each sees only its own. */
@Controller('v1/notifications')
export class NotificationsController {
  constructor(
    @Inject(SQL_DB) private readonly db: SqlDb,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  async list(
    @CurrentActor() actor: Actor,
    @Query('unread') unread?: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
  ) {
    const page = await listNotifications(this.db, { recipient: actor, ...parseNotificationsQuery({ unread, limit, cursor }) });
    return {
      notifications: page.notifications.map(notificationResponse),
      nextCursor: page.next ? encodeCursor(page.next) : null,
      unreadCount: page.unreadCount,
    };
  }

  @Post('read-all')
  @HttpCode(200)
  async readAll(@CurrentActor() actor: Actor) {
    const readAt = this.clock.now().toISOString();
    return { marked: await markAllNotificationsRead(this.db, actor, readAt), readAt };
  }

  @Post(':id/read')
  @HttpCode(200)
  async read(@Param('id', PathId) id: string, @CurrentActor() actor: Actor) {
    const notification = await markNotificationRead(this.db, actor, id, this.clock.now().toISOString());
    // Someone else's notification is answered like a missing one: ids reveal nothing.
    if (!notification) throw notFound('notification_not_found', `notification ${id} does not exist`);
    return notificationResponse(notification);
  }
}

function notificationResponse(n: NotificationRow) {
  const { position: _position, ...rest } = n;
  return rest;
}
