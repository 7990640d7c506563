import { Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
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
import { ApiErrors } from '../http/error.responses';
import { PathId } from '../http/path-id.pipe';
import { ApiIdempotencyKey, ApiPartyToken, ApiPathId } from '../openapi/operation-docs';
import { NotificationPageResponse, NotificationResponse, NotificationsReadResponse } from './notifications.responses';
import { encodeCursor, parseNotificationsQuery } from './notifications.params';

/** The token's party's own notifications: every role may ask, each sees only its own. */
@ApiTags('notifications')
@ApiPartyToken()
@Controller('v1/notifications')
export class NotificationsController {
  constructor(
    @Inject(SQL_DB) private readonly db: SqlDb,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @ApiOperation({ summary: "The caller's own notifications, newest first." })
  @ApiQuery({ name: 'unread', required: false, enum: ['true', 'false'], description: 'true: only unread ones.' })
  @ApiQuery({ name: 'limit', required: false, type: String, description: 'Per page.' })
  @ApiQuery({ name: 'cursor', required: false, type: String, description: 'The `nextCursor` of the previous page.' })
  @ApiOkResponse({ type: NotificationPageResponse })
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
  @ApiOperation({ summary: "Mark all the caller's notifications read." })
  @ApiIdempotencyKey()
  @ApiOkResponse({ type: NotificationsReadResponse })
  async readAll(@CurrentActor() actor: Actor) {
    const readAt = this.clock.now().toISOString();
    return { marked: await markAllNotificationsRead(this.db, actor, readAt), readAt };
  }

  @Post(':id/read')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mark one notification read.' })
  @ApiIdempotencyKey()
  @ApiPathId('id', 'The notification.')
  @ApiOkResponse({ type: NotificationResponse })
  @ApiErrors(404)
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
