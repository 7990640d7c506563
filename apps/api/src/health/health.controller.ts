import { Controller, Get, Inject, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { EventStore } from '@escrow/event-store';
import { Readiness, readinessBody } from '@escrow/observability';
import { APP_CONFIG, EVENT_STORE, type AppConfig } from '@escrow/runtime';
import type { Response } from 'express';
import { Public } from '../auth/auth.guard';
import { ApiErrors } from '../http/error.responses';
import { EventFeed } from '../events/event-feed';
import { HealthResponse, LiveResponse } from './health.responses';

const readinessSchema = {
  type: 'object',
  additionalProperties: true,
  description: 'Each check and its result; when not ready, `message` names what failed.',
} as const;

@ApiTags('health')
// Public, but like every route they refuse query parameters they do not take.
@ApiErrors(400)
@Controller()
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly feed: EventFeed,
    private readonly readiness: Readiness,
  ) {}

  /** The process is up and answering; checks no dependency (a database outage must not get it restarted). */
  @Get('health/live')
  @Public()
  @ApiOperation({ summary: 'The process is up (checks no dependency).' })
  @ApiOkResponse({ type: LiveResponse })
  live() {
    return { status: 'ok' };
  }

  /** Ready for traffic: database, event store, NATS when configured, read models within the lag bound; else 503 naming what failed. */
  @Get('health/ready')
  @Public()
  @ApiOperation({ summary: 'Ready for traffic: database, event store, NATS when configured, read models within the lag bound.' })
  @ApiOkResponse({ description: 'Ready.', schema: readinessSchema })
  @ApiServiceUnavailableResponse({ description: 'Not ready: `message` names what failed.', schema: readinessSchema })
  async ready(@Res({ passthrough: true }) response: Response) {
    const report = await this.readiness.check();
    response.status(report.ready ? 200 : 503);
    return readinessBody(report);
  }

  @Get('health')
  @Public()
  @ApiOperation({ summary: 'What this process runs on, and the head of the log.' })
  @ApiOkResponse({ type: HealthResponse })
  async health() {
    return {
      status: 'ok',
      database: this.config.database.kind,
      eventStore: this.config.eventStore.kind === 'eventstoredb' ? 'eventstoredb' : this.config.database.kind,
      payments: this.config.payments.kind,
      processRole: this.config.processRole,
      headPosition: await this.store.headPosition(),
      feed: this.feed.stats(),
    };
  }
}
