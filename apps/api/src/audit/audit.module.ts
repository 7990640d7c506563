import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { EventStoreDbEventStore, PostgresAuditLog, type AuditLog, type EventStore } from '@escrow/event-store';
import { APP_CONFIG, EVENT_STORE, SQL_DB, type AppConfig } from '@escrow/runtime';
import type { SqlDb } from '@escrow/sql';
import { AuditController } from './audit.controller';
import { AUDIT_LOG } from './audit.tokens';

interface OpenedAuditLog {
  readonly log: AuditLog;
  close(): Promise<void>;
}

/**
 * The raw log with its chain hashes, beside the app's event store (which reads through the
 * upcasters: the chain covers events as stored). On PostgreSQL it reads the same tables; on
 * EventStoreDB it is a connection of its own.
 */
export async function openAuditLog(config: AppConfig, db: SqlDb): Promise<OpenedAuditLog> {
  if (config.eventStore.kind === 'eventstoredb') {
    const store = await EventStoreDbEventStore.connect(config.eventStore.url);
    return { log: store.auditLog(), close: () => store.close() };
  }
  return { log: new PostgresAuditLog(db), close: async () => undefined };
}

const OPENED_AUDIT_LOG = Symbol('OPENED_AUDIT_LOG');

class AuditLogShutdown implements OnApplicationShutdown {
  constructor(@Inject(OPENED_AUDIT_LOG) private readonly opened: OpenedAuditLog) {}

  async onApplicationShutdown(): Promise<void> {
    await this.opened.close();
  }
}

@Module({
  controllers: [AuditController],
  providers: [
    {
      provide: OPENED_AUDIT_LOG,
      // After the event store: on PostgreSQL its start creates the hash column and backfills it.
      useFactory: (config: AppConfig, db: SqlDb, _store: EventStore) => openAuditLog(config, db),
      inject: [APP_CONFIG, SQL_DB, EVENT_STORE],
    },
    { provide: AUDIT_LOG, useFactory: (opened: OpenedAuditLog) => opened.log, inject: [OPENED_AUDIT_LOG] },
    AuditLogShutdown,
  ],
})
export class AuditModule {}
