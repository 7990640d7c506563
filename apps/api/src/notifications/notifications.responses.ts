import { ApiProperty } from '@nestjs/swagger';

/** What the notifications routes answer, for the OpenAPI document. */
export class NotificationRecipient {
  @ApiProperty() role!: string;
  @ApiProperty() id!: string;
}

export class NotificationResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ type: NotificationRecipient }) recipient!: NotificationRecipient;
  @ApiProperty() type!: string;
  @ApiProperty() title!: string;
  @ApiProperty() message!: string;
  @ApiProperty() contractId!: string;
  @ApiProperty() milestoneId!: string;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readAt!: string | null;
}

export class NotificationPageResponse {
  @ApiProperty({ type: [NotificationResponse] }) notifications!: NotificationResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page.' }) nextCursor!: string | null;
  @ApiProperty({ type: Number }) unreadCount!: number;
}

export class NotificationsReadResponse {
  @ApiProperty({ type: Number, description: 'How many were unread and are now read.' }) marked!: number;
  @ApiProperty({ type: String, format: 'date-time' }) readAt!: string;
}
