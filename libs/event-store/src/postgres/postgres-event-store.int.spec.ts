import { describeEachDatabase, emptySchema, withDatabase } from '../../../../test/support/databases';
import { eventStoreSuite } from '../event-store.suite';
import { PostgresEventStore } from './postgres-event-store';

describeEachDatabase('PostgresEventStore (shared adapter suite)', (target) => {
  // One database for the describe; each test gets it with its schema dropped and created again,
  // so the store it opens is fresh and empty.
  const database = withDatabase(target);
  eventStoreSuite(async () => {
    await emptySchema(database.db);
    const store = await PostgresEventStore.open(database.db);
    return {
      store,
      async dispose() {
        await store.close();
      },
    };
  });
});
