import { PostgresEventStore } from '@escrow/event-store';
import { projections } from '@escrow/projections/registry';
import { rebuildProjection } from '@escrow/projector';
import type { SqlDb } from '@escrow/sql';
import { eventually, startApp } from './support/app';
import { describeEachDatabase, withDatabase } from './support/databases';
import { lifecycle, support, trainer } from './support/lifecycle';

/** Every row of every table of every read model, in a stable order. */
async function snapshot(db: SqlDb): Promise<Record<string, string[]>> {
  const tables: Record<string, string[]> = {};
  for (const projection of projections) {
    for (const table of projection.tables) {
      const { rows } = await db.query(`select * from ${table}`);
      tables[table] = rows.map((row) => JSON.stringify(row)).sort();
    }
  }
  return tables;
}

describeEachDatabase('rebuilding read models', (target) => {
  const database = withDatabase(target);

  it('replays every read model from position 0 into exactly the rows the live projections wrote', async () => {
    const { db } = database;
    const api = await startApp(db, { env: { PLATFORM_FEE_BPS: '750' } });
    const steps = lifecycle(api);
    await steps.setUpBilling();
    const paid = await steps.paidMilestone('150.00');

    const split = await steps.fundedMilestone('99.99');
    const milestonePath = `/v1/contracts/${split.contractId}/milestones/${split.milestoneId}`;
    await api.request('POST', `${milestonePath}/dispute`, { as: trainer, body: { reason: 'scope' } });
    await api.request('POST', `${milestonePath}/resolve`, { as: support, body: { resolution: 'split', trainerAmount: '33.33', note: 'partial' } });
    await steps.milestoneReaches(split.contractId, split.milestoneId, 'paid');
    await eventually(async () => ((await steps.contract(split.contractId)).milestones[0].refunded === '66.66' ? true : undefined), 'the split refund');
    await api.close();

    const store = await PostgresEventStore.open(db);
    const live = await snapshot(db);
    expect(Object.values(live).reduce((n, rows) => n + rows.length, 0)).toBeGreaterThan(0);
    for (const projection of projections) {
      const rebuilt = await rebuildProjection(store, db, projection);
      expect(rebuilt.applied).toBeGreaterThan(0);
    }
    expect(await snapshot(db)).toEqual(live);
    await store.close();
  });
});
