import { migrationStates, schemaMigrations } from '@escrow/migrations';
import { watchStatements } from '@escrow/sql';
import { eventually, startApp } from './support/app';
import { describeEachDatabase, emptySchema, withDatabase } from './support/databases';
import { employer, lifecycle, support, trainer } from './support/lifecycle';

/** Statements that change the schema rather than the rows (after any leading SQL comments). */
const ddl = /^\s*(?:--[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*(create|alter|drop|truncate|comment\s+on|grant|revoke|do)\b/i;

describeEachDatabase('the schema: migrated at start, never changed by a request', (target) => {
  const database = withDatabase(target);

  it('a new database gets every migration when the app starts; a lifecycle, a dispute and the support and finance pages then run no DDL', async () => {
    await emptySchema(database.db, { migrated: false });
    const statements: string[] = [];
    let serving = false;
    const api = await startApp(
      watchStatements(database.db, (sql) => serving && statements.push(sql)),
      { env: { PLATFORM_FEE_BPS: '1000' } },
    );
    try {
      const states = await migrationStates(database.db);
      expect(states.map((s) => s.name)).toEqual(schemaMigrations.map((m) => m.name));
      expect(states.every((s) => s.appliedAt instanceof Date)).toBe(true);
      // Started means the worker's read models and saga are running too (their own start creates the read models' tables).
      await eventually(async () => ((await api.request('GET', '/health/ready')).status === 200 ? true : undefined), 'the app to be ready');
      serving = true;

      const steps = lifecycle(api);
      await steps.setUpBilling();
      const paid = await steps.paidMilestone('150.00');

      const disputed = await steps.fundedMilestone('80.00');
      const milestone = `/v1/contracts/${disputed.contractId}/milestones/${disputed.milestoneId}`;
      expect((await api.request('POST', `${milestone}/dispute`, { as: trainer, body: { reason: 'the employer went silent' } })).status).toBe(200);
      expect((await api.request('POST', `${milestone}/resolve`, { as: support, body: { resolution: 'refund', note: 'not delivered' } })).status).toBe(200);
      await steps.milestoneReaches(disputed.contractId, disputed.milestoneId, 'refunded');

      for (const [path, as] of [
        ['/v1/admin/payments/stuck', support],
        ['/v1/ledger/trial-balance', support],
        [`/v1/invoices?contractId=${paid.contractId}`, employer],
        [`/v1/contracts/${paid.contractId}/events`, support],
      ] as const) {
        expect({ path, status: (await api.request('GET', path, { as })).status }).toEqual({ path, status: 200 });
      }

      expect(statements.length).toBeGreaterThan(20); // the recording saw the requests' work
      expect(statements.filter((sql) => ddl.test(sql))).toEqual([]);
    } finally {
      await api.close();
    }
  });
});
