import type { Actor } from '@escrow/domain';
import { PostgresEventStore } from '@escrow/event-store';
import type { SqlDb } from '@escrow/sql';
import { eventually, startApp, type RunningApp } from './support/app';
import { describeEachDatabase } from './support/databases';
import { expectError, freshEmployer, freshTrainer, validHire } from './support/api-checks';

const parallelWriters = 30;
const supportActor: Actor = { role: 'support', id: 'sup_concurrency' };

/**
 * Concurrent commands on one contract: those the domain allows together all succeed (the
 * losers of each append race reload and decide again); a real conflict is still refused.
 */
describeEachDatabase('API concurrent commands on one contract', (target) => {
  let db: SqlDb;
  let api: RunningApp;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await target.open();
    api = await startApp(db);
    store = await PostgresEventStore.open(db);
  });
  afterAll(async () => {
    await store.close();
    await api.close();
    await db.close();
  });

  async function hire(employer: Actor, trainer: Actor) {
    const hired = await api.request('POST', '/v1/contracts', { as: employer, body: validHire(trainer.id) });
    expect(hired.status).toBe(201);
    return { contractId: hired.body.contractId as string, milestoneId: hired.body.milestoneId as string };
  }

  it(`${parallelWriters} parallel add-milestone calls → all 201, every milestone in the stream once`, async () => {
    const employer = freshEmployer();
    const { contractId } = await hire(employer, freshTrainer());
    const responses = await Promise.all(
      Array.from({ length: parallelWriters }, (_, i) =>
        api.request('POST', `/v1/contracts/${contractId}/milestones`, { as: employer, body: { name: `Batch ${i + 2}`, amount: '10.00' } }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(parallelWriters).fill(201));
    const answered = responses.map((r) => r.body.milestoneId as string);
    expect(new Set(answered).size).toBe(parallelWriters);

    const created = (await store.readStream(`contract-${contractId}`)).filter((e) => e.type === 'MilestoneCreated');
    const ids = created.map((e) => (e.data as { milestoneId: string }).milestoneId);
    expect(ids).toHaveLength(parallelWriters + 1);
    expect(new Set(ids).size).toBe(parallelWriters + 1);
    expect(ids).toEqual(expect.arrayContaining(answered));
  });

  it(`${parallelWriters} parallel add-milestone calls through two api processes → all 201 (the racing appends decide again)`, async () => {
    // A second api process on the same database: its writers race this one's for real.
    const second = await startApp(db, { env: { PROCESS_ROLE: 'api' } });
    try {
      const employer = freshEmployer();
      const { contractId } = await hire(employer, freshTrainer());
      const responses = await Promise.all(
        Array.from({ length: parallelWriters }, (_, i) =>
          (i % 2 ? second : api).request('POST', `/v1/contracts/${contractId}/milestones`, { as: employer, body: { name: `Batch ${i + 2}`, amount: '10.00' } }),
        ),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(parallelWriters).fill(201));
      const ids = (await store.readStream(`contract-${contractId}`)).filter((e) => e.type === 'MilestoneCreated').map((e) => (e.data as { milestoneId: string }).milestoneId);
      expect(new Set(ids).size).toBe(parallelWriters + 1);
      expect(ids).toEqual(expect.arrayContaining(responses.map((r) => r.body.milestoneId as string)));
    } finally {
      await second.close();
    }
  });

  it('two parallel approvals of one milestone → one 200, the other 409 naming the status it found', async () => {
    const employer = freshEmployer();
    const trainer = freshTrainer();
    const attached = await api.request('POST', `/v1/employers/${employer.id}/payment-method`, { as: employer, body: { paymentMethodId: 'pm_card_visa' } });
    expect(attached.status).toBe(200);
    const { contractId, milestoneId } = await hire(employer, trainer);
    const path = (action: string) => `/v1/contracts/${contractId}/milestones/${milestoneId}/${action}`;
    expect((await api.request('POST', path('fund'), { as: employer, body: {} })).status).toBe(202);
    await eventually(async () => {
      const view = await api.request('GET', `/v1/contracts/${contractId}`, { as: supportActor });
      return view.body?.milestones?.find((m: { milestoneId: string }) => m.milestoneId === milestoneId)?.status === 'funded' || undefined;
    }, 'the milestone to be funded');
    expect((await api.request('POST', path('request-approval'), { as: trainer, body: { note: 'done' } })).status).toBe(200);

    const [a, b] = await Promise.all([0, 1].map(() => api.request('POST', path('approve'), { as: employer, body: {} })));
    const [won, lost] = a!.status === 200 ? [a!, b!] : [b!, a!];
    expect(won).toMatchObject({ status: 200, body: { status: 'approved' } });
    // The loser re-decided on the winner's state: a domain conflict, not a transient one.
    expectError(lost, 409, /\b(approved|paid)\b/);
    expect(lost.body.code).not.toBe('concurrent_update');
    const approvals = (await store.readStream(`contract-${contractId}`)).filter((e) => e.type === 'MilestoneApproved');
    expect(approvals).toHaveLength(1);
  });
});
