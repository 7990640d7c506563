import { randomUUID } from 'node:crypto';
import { contractStream, usd, type ContractEvent } from '@escrow/domain';
import { PostgresEventStore } from '@escrow/event-store';
import { ProjectorRunner, rebuildProjection } from '@escrow/projector';
import type { SqlDb } from '@escrow/sql';
import { describeEachDatabase, withDatabase } from '../../test/support/databases';
import { catchUpToCommitted } from '../../test/support/catch-up';
import type { Invoice } from './invoice';
import { invoicesProjection } from './invoices.projection';
import { listInvoices } from './invoices.query';
import { invoiceTables } from './invoices.schema';

describeEachDatabase('invoices projection', (target) => {
  const database = withDatabase(target);
  let db: SqlDb;
  let store: PostgresEventStore;
  let runner: ProjectorRunner;

  beforeAll(async () => {
    db = database.db;
    store = await PostgresEventStore.open(db);
    database.onClose(() => store.close());
    runner = new ProjectorRunner(store, db, invoicesProjection);
    await runner.prepare();
  });

  async function append(event: ContractEvent, occurredAt: string): Promise<void> {
    const data = event.data as { contractId: string; milestoneId?: string };
    const metadata = {
      eventId: randomUUID(),
      contractId: data.contractId,
      ...(data.milestoneId ? { milestoneId: data.milestoneId } : {}),
      actor: { role: 'service', id: 'test' },
      correlationId: randomUUID(),
      causationId: randomUUID(),
      occurredAt,
      schemaVersion: 1,
    };
    await store.append(contractStream(data.contractId), [{ eventId: metadata.eventId, type: event.type, data: event.data, metadata }], 'any');
  }

  const allInvoices = async (): Promise<Invoice[]> => (await listInvoices(db, {}, null, 500)).invoices;
  const byNumber = async (number: string) => (await allInvoices()).find((i) => i.number === number);

  // Two contracts; milestones funded either side of a new year, paid out, split, refunded.
  const A = randomUUID();
  const B = randomUUID();
  const [a1, a2, a3, b1] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
  const created = (contractId: string, milestoneId: string, name: string) =>
    ({ type: 'MilestoneCreated', data: { contractId, milestoneId, name, description: `${name}, described`, amount: usd(15_000), dueDate: null } }) as const;
  const funded = (contractId: string, milestoneId: string, n: number) =>
    ({ type: 'MilestoneFunded', data: { contractId, milestoneId, amount: usd(15_000), paymentIntentId: `pi_${n}`, chargeId: `ch_${n}` } }) as const;
  const payout = (contractId: string, milestoneId: string, trainerId: string, netCents: number, n: number) =>
    ({ type: 'MilestonePayoutCompleted', data: { contractId, milestoneId, trainerId, amount: usd(netCents), transferId: `tr_${n}`, destinationAccountId: 'acct_1' } }) as const;
  const resolved = (contractId: string, milestoneId: string, trainerId: string, trainerCents: number, feeCents: number, chargeId: string) =>
    ({
      type: 'MilestoneDisputeResolved',
      data: {
        contractId, milestoneId, resolution: trainerCents === 0 ? 'refund' : 'split', trainerId,
        trainerAmount: usd(trainerCents), refundAmount: usd(15_000 - trainerCents), fee: usd(feeCents), net: usd(trainerCents - feeCents),
        feeBps: trainerCents === 0 ? 0 : 1_000, chargeId, note: 'support decided',
      },
    }) as const;
  const refundedEvent = (contractId: string, milestoneId: string, cents: number, chargeId: string, n: number) =>
    ({ type: 'MilestoneRefunded', data: { contractId, milestoneId, amount: usd(cents), refundId: `re_${n}`, chargeId } }) as const;

  it('issues funding invoices numbered per series, across contracts and across a new year', async () => {
    await append({ type: 'ContractCreated', data: { contractId: A, employerId: 'emp_a', trainerId: 'tr_a', projectName: 'Project A' } }, '2026-12-01T10:00:00Z');
    await append(created(A, a1, 'A1'), '2026-12-01T10:00:00Z');
    await append(created(A, a2, 'A2'), '2026-12-01T10:00:01Z');
    await append(created(A, a3, 'A3'), '2026-12-01T10:00:02Z');
    await append(funded(A, a1, 1), '2026-12-31T22:00:00.000Z');
    await append({ type: 'ContractCreated', data: { contractId: B, employerId: 'emp_b', trainerId: 'tr_b', projectName: 'Project B' } }, '2026-12-31T23:00:00Z');
    await append(created(B, b1, 'B1'), '2026-12-31T23:00:00Z');
    await catchUpToCommitted(runner, store);
    // A second projector transaction continues the same series.
    await append(funded(B, b1, 2), '2026-12-31T23:59:59.999Z');
    await append(funded(A, a2, 3), '2027-01-01T00:00:00.001Z');
    await catchUpToCommitted(runner, store);

    const invoices = await allInvoices();
    expect(invoices.map((i) => [i.number, i.milestoneId])).toEqual([
      ['E-2026-000001', a1],
      ['E-2026-000002', b1],
      ['E-2027-000001', a2],
    ]);
    expect(invoices[1]).toMatchObject({
      kind: 'employer_funding', series: 'E-2026', sequence: 2, issuedAt: '2026-12-31T23:59:59.999Z', contractId: B,
      employerId: 'emp_b', trainerId: 'tr_b', projectName: 'Project B', milestoneName: 'B1', description: 'B1, described',
      billingType: 'fixed_price_milestone', currency: 'USD', amountCents: 15_000, feeCents: null, netCents: null,
      refundedCents: 0, paymentStatus: 'paid', paymentIntentId: 'pi_2', chargeId: 'ch_2', transferId: null, refundIds: [],
    });
  });

  it('issues payout invoices in their own series, with gross, fee and net from the release', async () => {
    await append({ type: 'MilestoneApproved', data: { contractId: A, milestoneId: a1, trainerId: 'tr_a', amount: usd(15_000), fee: usd(1_500), net: usd(13_500), feeBps: 1_000, chargeId: 'ch_1', reason: 'employer' } }, '2027-01-02T09:00:00Z');
    await append(payout(A, a1, 'tr_a', 13_500, 1), '2027-01-02T09:00:05Z');
    await append({ type: 'MilestoneDisputed', data: { contractId: B, milestoneId: b1, disputedBy: 'employer', reason: 'half done', previousStatus: 'funded', chargeback: null } }, '2027-01-03T00:00:00Z');
    await append(resolved(B, b1, 'tr_b', 10_000, 1_000, 'ch_2'), '2027-01-04T00:00:00Z');
    await append(payout(B, b1, 'tr_b', 9_000, 2), '2027-01-04T00:00:10Z');
    await catchUpToCommitted(runner, store);

    expect(await byNumber('T-2027-000001')).toMatchObject({
      kind: 'trainer_payout', milestoneId: a1, employerId: 'emp_a', trainerId: 'tr_a', amountCents: 15_000, feeCents: 1_500,
      netCents: 13_500, paymentStatus: 'paid', transferId: 'tr_1', chargeId: 'ch_1', issuedAt: '2027-01-02T09:00:05Z',
    });
    expect(await byNumber('T-2027-000002')).toMatchObject({ milestoneId: b1, amountCents: 10_000, feeCents: 1_000, netCents: 9_000, transferId: 'tr_2' });
  });

  it('marks a funding invoice partially refunded, then refunded, without renumbering anything', async () => {
    await append(refundedEvent(B, b1, 5_000, 'ch_2', 1), '2027-01-05T00:00:00Z');
    await append({ type: 'MilestoneDisputed', data: { contractId: A, milestoneId: a2, disputedBy: 'trainer', reason: 'no reply', previousStatus: 'funded', chargeback: null } }, '2027-01-06T00:00:00Z');
    await append(resolved(A, a2, 'tr_a', 0, 0, 'ch_3'), '2027-01-07T00:00:00Z');
    await append(refundedEvent(A, a2, 6_000, 'ch_3', 2), '2027-01-08T00:00:00Z');
    await catchUpToCommitted(runner, store);
    expect(await byNumber('E-2027-000001')).toMatchObject({ paymentStatus: 'partially_refunded', refundedCents: 6_000, refundIds: ['re_2'] });

    await append(refundedEvent(A, a2, 9_000, 'ch_3', 3), '2027-01-09T00:00:00Z');
    await append(funded(A, a3, 4), '2027-02-01T00:00:00Z');
    await catchUpToCommitted(runner, store);

    expect(await byNumber('E-2026-000002')).toMatchObject({ paymentStatus: 'partially_refunded', refundedCents: 5_000, refundIds: ['re_1'], amountCents: 15_000 });
    expect(await byNumber('E-2027-000001')).toMatchObject({
      paymentStatus: 'refunded', refundedCents: 15_000, refundIds: ['re_2', 're_3'], amountCents: 15_000, updatedAt: '2027-01-09T00:00:00Z',
    });
    const numbers = (await allInvoices()).map((i) => i.number).sort();
    expect(numbers).toEqual(['E-2026-000001', 'E-2026-000002', 'E-2027-000001', 'E-2027-000002', 'T-2027-000001', 'T-2027-000002']);
    const { rows } = await db.query<{ series: string; last_sequence: string }>('select series, last_sequence::text as last_sequence from invoice_series order by series');
    expect(rows).toEqual([
      { series: 'E-2026', last_sequence: '2' },
      { series: 'E-2027', last_sequence: '2' },
      { series: 'T-2027', last_sequence: '2' },
    ]);
  });

  it('filters and pages in issue order', async () => {
    const first = await listInvoices(db, { employerId: 'emp_a' }, null, 2);
    expect(first.invoices.map((i) => i.number)).toEqual(['E-2026-000001', 'E-2027-000001']);
    expect(first.next).not.toBeNull();
    const rest = await listInvoices(db, { employerId: 'emp_a' }, first.next, 2);
    expect(rest.invoices.map((i) => i.number)).toEqual(['T-2027-000001', 'E-2027-000002']);
    expect(rest.next).toBeNull();
    const payouts = await listInvoices(db, { kind: 'trainer_payout', trainerId: 'tr_b' }, null, 10);
    expect(payouts.invoices.map((i) => i.number)).toEqual(['T-2027-000002']);
    expect((await listInvoices(db, { contractId: B }, null, 10)).invoices).toHaveLength(2);
  });

  it('rebuilds to exactly the same rows: ids, numbers, statuses and facts', async () => {
    const snapshot = async () => {
      const tables: Record<string, unknown[]> = {};
      for (const table of invoiceTables) tables[table] = (await db.query(`select * from ${table} t order by 1, 2`)).rows;
      return tables;
    };
    const before = await snapshot();
    expect(before.invoices).toHaveLength(6);

    await db.exec(`drop table ${invoiceTables.join(', ')}`);
    await db.query('delete from projection_checkpoints where name = $1', [invoicesProjection.name]);
    const fresh = new ProjectorRunner(store, db, invoicesProjection);
    await fresh.prepare();
    expect(fresh.checkpoint).toBeNull();
    await catchUpToCommitted(fresh, store);

    expect(await snapshot()).toEqual(before);
    expect(fresh.checkpoint).toBe(runner.checkpoint);

    // The rebuild script's path (drop, recreate, replay) gives the same rows again.
    await rebuildProjection(store, db, invoicesProjection);
    expect(await snapshot()).toEqual(before);
  });
});
