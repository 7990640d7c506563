import type { Actor } from '@escrow/domain';
import { eventually, startApp, withApp } from './support/app';
import { describeEachDatabase } from './support/databases';
import { expectError, freshEmployer, freshTrainer, validHire } from './support/api-checks';

const parallelWriters = 30;
const supportActor: Actor = { role: 'support', id: 'sup_concurrency' };

/**
 * Concurrent commands on one contract: those the domain allows together all succeed (the
 * losers of each append race reload and decide again); a real conflict is still refused.
 */
describeEachDatabase('API concurrent commands on one contract', (target) => {
  const app = withApp(target);

  async function hire(employer: Actor, trainer: Actor) {
    const hired = await app.api.request('POST', '/v1/contracts', { as: employer, body: validHire(trainer.id) });
    expect(hired.status).toBe(201);
    return { contractId: hired.body.contractId as string, milestoneId: hired.body.milestoneId as string };
  }

  it(`${parallelWriters} parallel add-milestone calls → all 201, every milestone in the stream once`, async () => {
    const employer = freshEmployer();
    const { contractId } = await hire(employer, freshTrainer());
    const responses = await Promise.all(
      Array.from({ length: parallelWriters }, (_, i) =>
        app.api.request('POST', `/v1/contracts/${contractId}/milestones`, { as: employer, body: { name: `Batch ${i + 2}`, amount: '10.00' } }),
      ),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(parallelWriters).fill(201));
    const answered = responses.map((r) => r.body.milestoneId as string);
    expect(new Set(answered).size).toBe(parallelWriters);

    const created = (await app.store.readStream(`contract-${contractId}`)).filter((e) => e.type === 'MilestoneCreated');
    const ids = created.map((e) => (e.data as { milestoneId: string }).milestoneId);
    expect(ids).toHaveLength(parallelWriters + 1);
    expect(new Set(ids).size).toBe(parallelWriters + 1);
    expect(ids).toEqual(expect.arrayContaining(answered));
  });

  it(`${parallelWriters} parallel add-milestone calls through two api processes → all 201 (the racing appends decide again)`, async () => {
    // A second api process on the same database: its writers race this one's for real.
    const second = await startApp(app.db, { env: { PROCESS_ROLE: 'api' } });
    try {
      const employer = freshEmployer();
      const { contractId } = await hire(employer, freshTrainer());
      const responses = await Promise.all(
        Array.from({ length: parallelWriters }, (_, i) =>
          (i % 2 ? second : app.api).request('POST', `/v1/contracts/${contractId}/milestones`, { as: employer, body: { name: `Batch ${i + 2}`, amount: '10.00' } }),
        ),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(parallelWriters).fill(201));
      const ids = (await app.store.readStream(`contract-${contractId}`)).filter((e) => e.type === 'MilestoneCreated').map((e) => (e.data as { milestoneId: string }).milestoneId);
      expect(new Set(ids).size).toBe(parallelWriters + 1);
      expect(ids).toEqual(expect.arrayContaining(responses.map((r) => r.body.milestoneId as string)));
    } finally {
      await second.close();
    }
  });

  it('two parallel approvals of one milestone → one 200, the other 409 naming the status it found', async () => {
    const employer = freshEmployer();
    const trainer = freshTrainer();
    const attached = await app.api.request('POST', `/v1/employers/${employer.id}/payment-method`, { as: employer, body: { paymentMethodId: 'pm_card_visa' } });
    expect(attached.status).toBe(200);
    const { contractId, milestoneId } = await hire(employer, trainer);
    const path = (action: string) => `/v1/contracts/${contractId}/milestones/${milestoneId}/${action}`;
    expect((await app.api.request('POST', path('fund'), { as: employer, body: {} })).status).toBe(202);
    await eventually(async () => {
      const view = await app.api.request('GET', `/v1/contracts/${contractId}`, { as: supportActor });
      return view.body?.milestones?.find((m: { milestoneId: string }) => m.milestoneId === milestoneId)?.status === 'funded' || undefined;
    }, 'the milestone to be funded');
    expect((await app.api.request('POST', path('request-approval'), { as: trainer, body: { note: 'done' } })).status).toBe(200);

    const [a, b] = await Promise.all([0, 1].map(() => app.api.request('POST', path('approve'), { as: employer, body: {} })));
    const [won, lost] = a!.status === 200 ? [a!, b!] : [b!, a!];
    expect(won).toMatchObject({ status: 200, body: { status: 'approved' } });
    // The loser re-decided on the winner's state: a domain conflict, not a transient one.
    expectError(lost, 409, /\b(approved|paid)\b/);
    expect(lost.body.code).not.toBe('concurrent_update');
    const approvals = (await app.store.readStream(`contract-${contractId}`)).filter((e) => e.type === 'MilestoneApproved');
    expect(approvals).toHaveLength(1);
  });
});
