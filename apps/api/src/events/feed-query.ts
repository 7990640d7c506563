import { BadRequestException } from '@nestjs/common';
import { contractStream } from '@escrow/domain';
import { isPosition, type EventFilter } from '@escrow/event-store';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { externalIdPattern } from '../http/validators';

const queryValueLengthMax = 2_000;
export const pageLimitDefault = 100;
export const pageLimitMax = 1_000;

/** Declared so that an unknown parameter is refused by name; `feedRequest` gives the values meaning. */
export class FeedQueryDto {
  @ApiPropertyOptional({ description: 'Exclusive: start after this position (the id of an event received).' })
  @IsOptional() @IsString() @MaxLength(queryValueLengthMax)
  from?: string;

  @ApiPropertyOptional({ description: 'Comma-separated event types; an unknown one is a 400.' })
  @IsOptional() @IsString() @MaxLength(queryValueLengthMax)
  types?: string;

  @ApiPropertyOptional({ description: "Only this contract's events.", pattern: '^[A-Za-z0-9_-]{1,64}$' })
  @IsOptional() @IsString() @MaxLength(queryValueLengthMax)
  contractId?: string;
}

export class FeedPageQueryDto extends FeedQueryDto {
  @ApiPropertyOptional({ description: `Events per page, 1 to ${pageLimitMax} (default ${pageLimitDefault}).` })
  @IsOptional() @IsString() @MaxLength(10)
  limit?: string;
}

export interface FeedRequest {
  /** Exclusive: the feed starts after this position; null = from the beginning of the log. */
  readonly from: string | null;
  /** What the store can select by itself. */
  readonly filter: EventFilter;
  /** The exact selection: a stream prefix `contract-ab` would also match `contract-abc`. */
  readonly stream: string | null;
}

/**
 * `Last-Event-ID` wins over `from`: a browser's EventSource reconnects to the same URL (still
 * carrying the original `from`) and sends the last id it received in that header.
 */
export function feedRequest(query: FeedQueryDto, lastEventId: string | undefined, knownTypes: ReadonlySet<string>): FeedRequest {
  const from = lastEventId !== undefined && lastEventId !== '' ? position(lastEventId, 'Last-Event-ID') : query.from !== undefined ? position(query.from, 'from') : null;
  return { from, filter: filterOf(query, knownTypes), stream: query.contractId === undefined ? null : contractStream(query.contractId) };
}

export function pageLimit(raw: string | undefined): number {
  if (raw === undefined) return pageLimitDefault;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > pageLimitMax) {
    throw new BadRequestException(`limit: must be an integer from 1 to ${pageLimitMax}`);
  }
  return Number(raw);
}

function position(raw: string, name: string): string | null {
  if (raw === '') return null;
  if (!isPosition(raw)) throw new BadRequestException(`${name}: not a feed position (use the id of an event you received)`);
  return raw;
}

function filterOf(query: FeedQueryDto, knownTypes: ReadonlySet<string>): EventFilter {
  const filter: { eventTypes?: string[]; streamPrefixes?: string[] } = {};
  if (query.types !== undefined) {
    const types = query.types.split(',').map((t) => t.trim());
    const unknown = types.filter((t) => !knownTypes.has(t));
    if (types.length === 0 || unknown.length > 0) {
      throw new BadRequestException(`types: unknown event type ${unknown.map((t) => JSON.stringify(t)).join(', ')}; known: ${[...knownTypes].sort().join(', ')}`);
    }
    filter.eventTypes = [...new Set(types)];
  }
  if (query.contractId !== undefined) {
    if (!externalIdPattern.test(query.contractId)) throw new BadRequestException('contractId: must be 1 to 64 letters, digits, _ or -');
    filter.streamPrefixes = [contractStream(query.contractId)];
  }
  return filter;
}
