import { ApiProperty } from '@nestjs/swagger';

/** What the audit routes answer (libs/event-store hash-chain), for the OpenAPI document. */
export class VerifyResponse {
  @ApiProperty({ description: 'False with the first broken link or the anchor mismatch.' }) ok!: boolean;
  @ApiProperty() algorithm!: string;
  @ApiProperty({ type: String, nullable: true }) from!: string | null;
  @ApiProperty({ type: String, nullable: true }) to!: string | null;
  @ApiProperty({ type: Number, description: 'Events whose link was checked and found intact.' }) checked!: number;
  @ApiProperty({ type: String, nullable: true }) lastPosition!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'The first broken link in log order: position, expected vs found.' })
  brokenLink!: object | null;
}

export class AnchorResponse {
  @ApiProperty() algorithm!: string;
  @ApiProperty({ type: String, nullable: true, description: 'The last position the anchor covers; null for an empty log.' }) position!: string | null;
  @ApiProperty() hash!: string;
  @ApiProperty({ type: Number }) streams!: number;
  @ApiProperty({ type: String, nullable: true, description: '`<position>.<hash>`, for `?anchor=`; null for an empty log.' }) anchor!: string | null;
}
