import { ApiProperty } from '@nestjs/swagger';

/** What the health routes answer, for the OpenAPI document. */
export class LiveResponse {
  @ApiProperty({ enum: ['ok'] }) status!: string;
}

export class HealthResponse {
  @ApiProperty({ enum: ['ok'] }) status!: string;
  @ApiProperty({ enum: ['postgres', 'pglite'] }) database!: string;
  @ApiProperty({ enum: ['postgres', 'pglite', 'eventstoredb'] }) eventStore!: string;
  @ApiProperty({ description: 'simulated or stripe.' }) payments!: string;
  @ApiProperty({ description: 'api, worker or all.' }) processRole!: string;
  @ApiProperty({ type: String, nullable: true }) headPosition!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The SSE feed: open streams and the like.' }) feed!: object;
}
