import { ApiProperty } from '@nestjs/swagger';

/** One event as published outside the service (libs/event-store feed-message.ts): the AsyncAPI document has each type's data. */
export class FeedMessageResponse {
  @ApiProperty({ example: 'MilestoneFunded' }) type!: string;
  @ApiProperty({ example: 'contract-c_1' }) stream!: string;
  @ApiProperty({ type: Number }) revision!: number;
  @ApiProperty({ description: 'Opaque; resume from it (`from`, or `Last-Event-ID` on the stream).' }) position!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) data!: object;
  @ApiProperty({ type: 'object', additionalProperties: true }) metadata!: object;
}

export class FeedPageResponse {
  @ApiProperty({ type: [FeedMessageResponse] }) events!: FeedMessageResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass back as `from`.' }) next!: string | null;
  @ApiProperty({ description: 'False: caught up for now.' }) hasMore!: boolean;
}
