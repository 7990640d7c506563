import { Controller, Get, Inject } from '@nestjs/common';
import type { EventStore } from '@escrow/event-store';
import { APP_CONFIG, EVENT_STORE, type AppConfig } from '@escrow/runtime';
import { Public } from '../auth/auth.guard';
import { EventFeed } from '../events/event-feed';

@Controller()
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly feed: EventFeed,
  ) {}

  @Get('health')
  @Public()
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
