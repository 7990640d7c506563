import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { projections } from '@escrow/projections/registry';
import { ensureCheckpointSchema } from '@escrow/projector';
import { EVENT_STORE, SQL_DB } from '@escrow/runtime';
import { migrate, type SqlDb } from '@escrow/sql';

/**
 * The api may start before any worker: it creates the read models' tables it reads, so queries
 * never fail on them. Read models are rebuilt from the log when they change, so they are not in
 * the versioned migrations (libs/migrations), which the database module applied before this.
 */
@Injectable()
export class ReadModelSchemas implements OnModuleInit {
  constructor(
    @Inject(SQL_DB) private readonly db: SqlDb,
    @Inject(EVENT_STORE) _store: unknown,
  ) {}

  async onModuleInit(): Promise<void> {
    await ensureCheckpointSchema(this.db);
    for (const projection of projections) await migrate(this.db, `projection_schema_${projection.name}`, projection.schema);
  }
}
