import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { projections } from '@escrow/projections/registry';
import { ensureCheckpointSchema } from '@escrow/projector';
import { EVENT_STORE, SQL_DB } from '@escrow/runtime';
import { migrate, type SqlDb } from '@escrow/sql';
import { IdempotencyStore } from './idempotency/idempotency.store';

/** The api may start before any worker: it creates the tables it reads, so queries never fail on them. */
@Injectable()
export class ReadModelSchemas implements OnModuleInit {
  constructor(
    @Inject(SQL_DB) private readonly db: SqlDb,
    @Inject(EVENT_STORE) _store: unknown,
    private readonly idempotency: IdempotencyStore,
  ) {}

  async onModuleInit(): Promise<void> {
    await ensureCheckpointSchema(this.db);
    for (const projection of projections) await migrate(this.db, `projection_schema_${projection.name}`, projection.schema);
    await this.idempotency.prepare();
  }
}
