import { BadRequestException, Controller, Get, Header, Headers, Inject, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { asyncApiDocument } from '@escrow/event-schemas';
import { contractStream, type Actor } from '@escrow/domain';
import { toFeedMessage, type EventStore } from '@escrow/event-store';
import { EVENT_STORE } from '@escrow/runtime';
import type { Response } from 'express';
import { CurrentActor, Roles } from '../auth/auth.guard';
import { partiesFromStream, requireContractReader } from '../http/contract-reads';
import { ApiErrors } from '../http/error.responses';
import { ApiFile, ApiPartyToken } from '../openapi/operation-docs';
import { FeedPageResponse } from './events.responses';
import { EventFeed } from './event-feed';
import { knownEventTypes } from './known-event-types';
import { FeedPageQueryDto, FeedQueryDto, feedRequest, pageLimit } from './feed-query';

/** The public event feed for internal services and audits: every event, in log order, resumable by position. */
@ApiTags('events')
@ApiPartyToken()
@Controller('v1/events')
@Roles('service', 'finance', 'support')
export class EventsController {
  constructor(
    private readonly feed: EventFeed,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  /** Server-Sent Events: catch-up from `from` / `Last-Event-ID`, then live. */
  @Get()
  // A party follows one contract of its own (the console's live statuses); staff follow everything.
  @Roles('service', 'finance', 'support', 'employer', 'trainer')
  @ApiOperation({
    summary: 'Every event as Server-Sent Events: catch-up from `from` or Last-Event-ID, then live (service, finance, support; a party: one contract of its own).',
  })
  @ApiErrors(403, 404)
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'The position of the last event received: wins over `from` on a reconnect.' })
  @ApiResponse({
    status: 200,
    description: 'An endless stream: `id:` is the position, `event:` the type, `data:` a FeedMessageResponse as JSON.',
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  async stream(
    @Query() query: FeedQueryDto,
    @Headers('last-event-id') lastEventId: string | undefined,
    @CurrentActor() actor: Actor,
    @Res() response: Response,
  ): Promise<void> {
    // Validated before the stream opens, so a bad request is an ordinary 400 naming the field.
    const request = feedRequest(query, lastEventId, knownEventTypes);
    if (actor.role === 'employer' || actor.role === 'trainer') await this.requireOwnContract(query.contractId, actor);
    this.feed.open(request, response);
  }

  private async requireOwnContract(contractId: string | undefined, actor: Actor): Promise<void> {
    if (contractId === undefined) throw new BadRequestException(`contractId: required for ${actor.role === 'employer' ? 'an employer' : 'a trainer'} (a party follows its own contracts, one at a time)`);
    // The parties are in the stream's first event: one row, not the contract's whole history, per connection.
    const first = await this.store.readStream(contractStream(contractId), { toRevision: 0 });
    requireContractReader(partiesFromStream(contractId, first), actor, 'only the contract parties, support, finance and services can follow this contract');
  }

  /** The feed's and the NATS subjects' contract: every event type and version, as AsyncAPI 3. */
  @Get('asyncapi')
  @ApiOperation({ summary: "The feed's and the NATS subjects' contract, as AsyncAPI 3 (YAML)." })
  @ApiFile('application/yaml', 'The AsyncAPI document.')
  @Header('content-type', 'application/yaml; charset=utf-8')
  asyncApi(): string {
    return asyncApiDocument();
  }

  /** For batch consumers: pass `next` back as `from`; an empty page means caught up for now. */
  @Get('page')
  @ApiOperation({ summary: 'The same events a page at a time, for batch consumers.' })
  @ApiOkResponse({ type: FeedPageResponse })
  async page(@Query() query: FeedPageQueryDto) {
    const request = feedRequest(query, undefined, knownEventTypes);
    const limit = pageLimit(query.limit);
    const read = await this.store.readAll({ fromPosition: request.from, limit, filter: request.filter });
    const events = read.filter((e) => request.stream === null || e.streamId === request.stream).map(toFeedMessage);
    // Past what was read even if the exact-stream check dropped all of it, so a reader always advances.
    return { events, next: read.at(-1)?.position ?? request.from, hasMore: read.length === limit };
  }
}
