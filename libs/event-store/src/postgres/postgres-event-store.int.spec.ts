import { describeEachDatabase } from '../../../../test/support/databases';
import { eventStoreSuite } from '../event-store.suite';
import { PostgresEventStore } from './postgres-event-store';

describeEachDatabase('PostgresEventStore (shared adapter suite)', (target) => {
  eventStoreSuite(async () => {
    const db = await target.open();
    const store = await PostgresEventStore.open(db);
    return {
      store,
      async dispose() {
        await store.close();
        await db.close();
      },
    };
  });
});
