import { describeEachDatabase } from '../../../../test/support/databases';
import { eventStoreContract } from '../event-store.contract';
import { PostgresEventStore } from './postgres-event-store';

describeEachDatabase('PostgresEventStore contract', (target) => {
  eventStoreContract(async () => {
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
