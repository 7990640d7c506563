import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from '@escrow/event-store';
import type { SqlDb } from '@escrow/sql';
import { withDatabase, type DatabaseTarget } from './databases';

export interface NumberedLog {
  readonly db: SqlDb;
  readonly store: PostgresEventStore;
  /** Appends `count` one-event streams whose events carry `{ n }`, n = from, from + 1, …, one append each. */
  appendNumbered(from: number, count: number): Promise<void>;
}

/**
 * A database emptied before each test, with an event store open on it, for the projector specs:
 * they count every row of their read models and read the whole log, so nothing else may be in it.
 */
export function withNumberedLog(target: DatabaseTarget): NumberedLog {
  const database = withDatabase(target, { emptyBeforeEach: true });
  let store: PostgresEventStore | null = null;
  beforeEach(async () => {
    store = await PostgresEventStore.open(database.db);
  });
  afterEach(async () => {
    await store?.close();
    store = null;
  });
  const openStore = () => {
    if (store === null) throw new Error('withNumberedLog: the store is open only within the tests of its describe');
    return store;
  };
  return {
    get db() {
      return database.db;
    },
    get store() {
      return openStore();
    },
    async appendNumbered(from, count) {
      for (let n = from; n < from + count; n++) {
        await openStore().append(`contract-${randomUUID()}`, [{ eventId: randomUUID(), type: 'Numbered', data: { n }, metadata: {} }], 'no_stream');
      }
    },
  };
}
