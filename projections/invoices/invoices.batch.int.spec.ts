import { assert, usd, type ContractEvent } from '@escrow/domain';
import type { RecordedEvent } from '@escrow/event-store';
import type { SqlDb, SqlExecutor } from '@escrow/sql';
import { describeEachDatabase, type DatabaseTarget } from '../../test/support/databases';
import type { Invoice } from './invoice';
import {
  contractFacts,
  evolveMilestoneFacts,
  fundingInvoice,
  numbered,
  payoutInvoice,
  refunded,
  toSourceEvent,
  type FactEvent,
  type InvoiceDraft,
  type MilestoneFacts,
  type SourceEvent,
} from './invoices.evolve';
import { invoicesProjection } from './invoices.projection';
import { findInvoiceById } from './invoices.rows';
import { invoicesSchema, invoiceTables } from './invoices.schema';

/**
 * The batched projection must leave exactly the rows that the original one-event-at-a-time code
 * left (kept below as the oracle, with its SQL per event), for any batch size, and fail with the
 * same invariant when an event breaks one.
 */

// ---- oracle: the projection written event by event, with its SQL per event ---------------
async function oracleApply(tx: SqlExecutor, recorded: RecordedEvent): Promise<void> {
  const source = toSourceEvent(recorded);
  if (!source) return;
  const { event } = source;
  const loadMilestone = async (contractId: string, milestoneId: string): Promise<MilestoneFacts | null> =>
    (await tx.query<{ facts: MilestoneFacts }>('select facts from invoice_milestones where contract_id = $1 and milestone_id = $2', [contractId, milestoneId])).rows[0]?.facts ?? null;
  const loadContract = async (contractId: string) => {
    const row = (await tx.query<{ project_name: string; employer_id: string; trainer_id: string }>(
      'select project_name, employer_id, trainer_id from invoice_contracts where contract_id = $1', [contractId])).rows[0];
    assert(row !== undefined, `contract ${contractId} was created before its milestones were invoiced`);
    return { contractId, projectName: row.project_name, employerId: row.employer_id, trainerId: row.trainer_id };
  };
  const evolveFacts = async (s: SourceEvent<FactEvent>): Promise<MilestoneFacts> => {
    const { contractId, milestoneId } = s.event.data;
    const facts = evolveMilestoneFacts(await loadMilestone(contractId, milestoneId), s);
    await tx.query(
      `insert into invoice_milestones (contract_id, milestone_id, facts) values ($1, $2, $3::jsonb)
       on conflict (contract_id, milestone_id) do update set facts = excluded.facts`,
      [contractId, milestoneId, JSON.stringify(facts)],
    );
    return facts;
  };
  const issue = async (draft: InvoiceDraft): Promise<void> => {
    if (await findInvoiceById(tx, draft.id)) return;
    const { rows } = await tx.query<{ last_sequence: string }>(
      `insert into invoice_series (series, last_sequence) values ($1, 1)
       on conflict (series) do update set last_sequence = invoice_series.last_sequence + 1 returning last_sequence::text as last_sequence`,
      [draft.series],
    );
    const invoice = numbered(draft, Number(rows[0]!.last_sequence));
    await tx.query(
      `insert into invoices (id, number, series, sequence, kind, issued_at, contract_id, milestone_id, employer_id, trainer_id,
         project_name, milestone_name, description, billing_type, currency, amount_cents, fee_cents, net_cents, refunded_cents,
         payment_status, payment_intent_id, charge_id, transfer_id, refund_ids, source_event_id, position, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24::jsonb, $25, $26, $27)`,
      [
        invoice.id, invoice.number, invoice.series, invoice.sequence, invoice.kind, invoice.issuedAt, invoice.contractId,
        invoice.milestoneId, invoice.employerId, invoice.trainerId, invoice.projectName, invoice.milestoneName,
        invoice.description, invoice.billingType, invoice.currency, invoice.amountCents, invoice.feeCents, invoice.netCents,
        invoice.refundedCents, invoice.paymentStatus, invoice.paymentIntentId, invoice.chargeId, invoice.transferId,
        JSON.stringify(invoice.refundIds), invoice.sourceEventId, invoice.position, invoice.updatedAt,
      ],
    );
  };
  switch (event.type) {
    case 'ContractCreated': {
      const f = contractFacts(event);
      await tx.query(
        'insert into invoice_contracts (contract_id, project_name, employer_id, trainer_id) values ($1, $2, $3, $4) on conflict (contract_id) do nothing',
        [f.contractId, f.projectName, f.employerId, f.trainerId],
      );
      return;
    }
    case 'MilestoneCreated':
    case 'MilestoneApproved':
    case 'MilestoneDisputeResolved':
      await evolveFacts(source as SourceEvent<FactEvent>);
      return;
    case 'MilestoneFunded': {
      const milestone = await evolveFacts(source as SourceEvent<FactEvent>);
      await issue(fundingInvoice(await loadContract(event.data.contractId), milestone, source as never));
      return;
    }
    case 'MilestonePayoutCompleted': {
      const milestone = await loadMilestone(event.data.contractId, event.data.milestoneId);
      assert(milestone !== null, `paid milestone ${event.data.milestoneId} was created`);
      await issue(payoutInvoice(await loadContract(event.data.contractId), milestone, source as never));
      return;
    }
    case 'MilestoneRefunded': {
      const milestone = await loadMilestone(event.data.contractId, event.data.milestoneId);
      assert(milestone?.fundingInvoiceId, `refunded milestone ${event.data.milestoneId} has a funding invoice`);
      const invoice = await findInvoiceById(tx, milestone.fundingInvoiceId);
      assert(invoice !== null, `funding invoice ${milestone.fundingInvoiceId} exists`);
      const after: Invoice = refunded(invoice, source as never);
      const { rowCount } = await tx.query(
        'update invoices set refunded_cents = $2, payment_status = $3, refund_ids = $4::jsonb, updated_at = $5 where id = $1',
        [after.id, after.refundedCents, after.paymentStatus, JSON.stringify(after.refundIds), after.updatedAt],
      );
      assert(rowCount === 1, `invoice ${after.id} is updated once`);
      return;
    }
  }
}

// ---- a realistic log: many contracts, every invoice-relevant path, interleaved ---------------
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
const uuid = (kind: number, n: number) => `${hex(kind, 8)}-0000-4000-8000-${hex(n, 12)}`;

function realisticLog(contracts: number, seed: number): RecordedEvent[] {
  const rand = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
  const lives: ContractEvent[][] = [];
  let ids = 0;
  for (let c = 0; c < contracts; c++) {
    const contractId = uuid(1, c);
    const trainerId = `tr_${c % 7}`;
    const life: ContractEvent[] = [
      { type: 'ContractCreated', data: { contractId, employerId: `emp_${c % 5}`, trainerId, projectName: `Project ${c} "quoted", {braced}, \\ back` } },
    ];
    // A repeated ContractCreated changes nothing: the first one's facts stay.
    if (c % 11 === 3) life.push({ type: 'ContractCreated', data: { contractId, employerId: 'emp_other', trainerId: 'tr_other', projectName: 'Renamed' } });
    const milestones = 1 + Math.floor(rand() * 3);
    for (let m = 0; m < milestones; m++) {
      const milestoneId = uuid(2, ids++);
      const ref = { contractId, milestoneId };
      const cents = 1_000 * (5 + Math.floor(rand() * 20));
      const amount = usd(cents);
      const chargeId = `ch_${milestoneId}`;
      const fee = Math.floor(cents / 10);
      const events: ContractEvent[] = [
        { type: 'MilestoneCreated', data: { ...ref, name: `M${m} ${pick(['', 'ünïcödé', 'NULL', '{a,b}'])}`, description: pick([null, 'described', '']), amount, dueDate: null } },
      ];
      const path = pick(['unfunded', 'paid', 'paid', 'paid', 'split', 'refund', 'refund-in-parts']);
      if (path !== 'unfunded') {
        events.push({ type: 'MilestoneFundingRequested', data: { ...ref, employerId: 'emp', amount, customerId: 'cus_1', paymentMethodId: 'pm_card_visa' } } as ContractEvent);
        events.push({ type: 'MilestoneFunded', data: { ...ref, amount, paymentIntentId: `pi_${milestoneId}`, chargeId } });
      }
      if (path === 'paid') {
        events.push({ type: 'MilestoneApproved', data: { ...ref, trainerId, amount, fee: usd(fee), net: usd(cents - fee), feeBps: 1_000, chargeId } });
        events.push({ type: 'MilestonePayoutCompleted', data: { ...ref, trainerId, amount: usd(cents - fee), transferId: `tr_${milestoneId}`, destinationAccountId: 'acct_1' } });
      }
      if (path === 'split' || path.startsWith('refund')) {
        const trainerCents = path === 'split' ? cents / 2 : 0;
        const splitFee = path === 'split' ? Math.floor(trainerCents / 10) : 0;
        events.push({ type: 'MilestoneDisputed', data: { ...ref, disputedBy: 'employer', reason: 'late', previousStatus: 'funded', chargeback: null } } as ContractEvent);
        events.push({
          type: 'MilestoneDisputeResolved',
          data: {
            ...ref, resolution: trainerCents === 0 ? 'refund' : 'split', trainerId, trainerAmount: usd(trainerCents), refundAmount: usd(cents - trainerCents),
            fee: usd(splitFee), net: usd(trainerCents - splitFee), feeBps: trainerCents === 0 ? 0 : 1_000, chargeId, note: 'decided',
          },
        } as ContractEvent);
        if (trainerCents > 0) {
          events.push({ type: 'MilestonePayoutCompleted', data: { ...ref, trainerId, amount: usd(trainerCents - splitFee), transferId: `tr_${milestoneId}`, destinationAccountId: 'acct_1' } });
        }
        const refunds = path === 'refund-in-parts' ? [cents / 5, cents / 5, (cents * 3) / 5] : [cents - trainerCents];
        refunds.forEach((refundCents, r) => events.push({ type: 'MilestoneRefunded', data: { ...ref, amount: usd(refundCents), refundId: `re_${milestoneId}_${r}`, chargeId } }));
      }
      life.push(...events);
    }
    lives.push(life);
  }
  // Interleave the contracts' lives (each in its own order), dated across a new year, in several offset spellings.
  const log: RecordedEvent[] = [];
  let clock = Date.parse('2026-12-31T20:00:00.000Z');
  const cursors = lives.map(() => 0);
  while (log.length < lives.reduce((n, l) => n + l.length, 0)) {
    const c = Math.floor(rand() * lives.length);
    const event = lives[c]![cursors[c]!];
    if (!event) continue;
    cursors[c]! += 1;
    clock += Math.floor(rand() * 60_000);
    const iso = new Date(clock).toISOString();
    const occurredAt = pick([iso, iso.replace('.000Z', 'Z').replace(/\.\d{3}Z$/, 'Z'), iso.replace(/T(\d{2})/, (_, h: string) => `T${h}`).replace('Z', '+00:00')]);
    const n = log.length + 1;
    const eventId = uuid(3, n);
    log.push({
      eventId, type: event.type, data: event.data, streamId: `contract-${(event.data as { contractId: string }).contractId}`, revision: cursors[c]!,
      metadata: { eventId, occurredAt, schemaVersion: 1 }, position: `${String(n).padStart(20, '0')}-${String(n).padStart(20, '0')}`, recordedAt: iso,
    });
  }
  return log;
}

// ---- comparing ----------------------------------------------------------------------------------
async function freshDb(target: DatabaseTarget): Promise<SqlDb> {
  const db = await target.open();
  await db.exec(invoicesSchema);
  return db;
}

async function snapshot(db: SqlDb): Promise<Record<string, unknown[]>> {
  const tables: Record<string, unknown[]> = {};
  for (const table of invoiceTables) tables[table] = (await db.query(`select * from ${table} t order by 1, 2`)).rows;
  return tables;
}

async function oracleRun(db: SqlDb, log: readonly RecordedEvent[]): Promise<void> {
  for (const event of log) await db.transaction((tx) => oracleApply(tx, event));
}

async function batchRun(db: SqlDb, log: readonly RecordedEvent[], size: number): Promise<void> {
  for (let i = 0; i < log.length; i += size) {
    const batch = log.slice(i, i + size);
    await db.transaction((tx) => invoicesProjection.applyBatch!(tx, batch));
  }
}

async function failureOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
  return 'no failure';
}

describeEachDatabase('invoices projection in batches', (target) => {
  const log = realisticLog(80, 42);
  let expected: Record<string, unknown[]>;

  beforeAll(async () => {
    const db = await freshDb(target);
    await oracleRun(db, log);
    expected = await snapshot(db);
    await db.close();
  });

  it('is a realistic log: every invoice path, many events and keys', () => {
    expect(log.length).toBeGreaterThan(900);
    const types = new Set(log.map((e) => e.type));
    for (const type of ['ContractCreated', 'MilestoneCreated', 'MilestoneFunded', 'MilestoneApproved', 'MilestoneDisputeResolved', 'MilestonePayoutCompleted', 'MilestoneRefunded', 'MilestoneDisputed']) {
      expect(types).toContain(type);
    }
    expect(expected.invoice_series!.map((s) => (s as { series: string }).series)).toEqual(['E-2026', 'E-2027', 'T-2026', 'T-2027']);
    expect(expected.invoices!.length).toBeGreaterThan(150);
    const statuses = new Set(expected.invoices!.map((i) => (i as { payment_status: string }).payment_status));
    expect(statuses).toEqual(new Set(['paid', 'partially_refunded', 'refunded']));
  });

  it.each([1, 7, 500, 2_000])('leaves the same rows in every table as one event at a time (batches of %i)', async (size) => {
    const db = await freshDb(target);
    try {
      await batchRun(db, log, size);
      expect(await snapshot(db)).toEqual(expected);
    } finally {
      await db.close();
    }
  });

  it('leaves the same rows through apply, one event at a time', async () => {
    const db = await freshDb(target);
    try {
      for (const event of log) await db.transaction((tx) => invoicesProjection.apply(tx, event));
      expect(await snapshot(db)).toEqual(expected);
    } finally {
      await db.close();
    }
  });

  it('continues numbering from the stored counters across batches of uneven sizes', async () => {
    const db = await freshDb(target);
    try {
      const sizes = [3, 250, 1, 64, 999];
      for (let i = 0, k = 0; i < log.length; k++) {
        const size = sizes[k % sizes.length]!;
        await db.transaction((tx) => invoicesProjection.applyBatch!(tx, log.slice(i, i + size)));
        i += size;
      }
      expect(await snapshot(db)).toEqual(expected);
    } finally {
      await db.close();
    }
  });

  it('fails on the same broken invariant as one event at a time, and writes nothing of the batch', async () => {
    const head = log.slice(0, 400);
    const lastPosition = log[log.length - 1]!.position;
    let n = 0;
    const extra = (type: string, data: unknown, occurredAt = '2027-06-01T00:00:00Z'): RecordedEvent => {
      n += 1;
      const eventId = uuid(4, n);
      return { eventId, type, data, metadata: { eventId, occurredAt }, streamId: 's', revision: 1, position: `${lastPosition}-${n}`, recordedAt: occurredAt };
    };
    const funded = log.find((e) => e.type === 'MilestoneFunded')!.data as { contractId: string; milestoneId: string; chargeId: string; amount: { amountCents: number } };
    const ref = { contractId: funded.contractId, milestoneId: funded.milestoneId };
    const broken: RecordedEvent[][] = [
      [extra('MilestoneRefunded', { ...ref, amount: usd(funded.amount.amountCents + 1), refundId: 're_x', chargeId: funded.chargeId })],
      [extra('MilestoneRefunded', { ...ref, amount: usd(1), refundId: 're_y', chargeId: 'ch_other' })],
      [extra('MilestonePayoutCompleted', { contractId: 'nope', milestoneId: 'nope', trainerId: 't', amount: usd(1), transferId: 'tr', destinationAccountId: 'a' })],
      [extra('MilestoneCreated', { contractId: 'c_new', milestoneId: 'm_new', name: 'x', description: null, amount: usd(1), dueDate: null }),
        extra('MilestoneFunded', { contractId: 'c_new', milestoneId: 'm_new', amount: usd(1), paymentIntentId: 'pi', chargeId: 'ch' })],
      [extra('MilestoneCreated', { ...ref, name: 'again', description: null, amount: usd(1), dueDate: null })],
      // The first failure in log order is reported, even when a later event is unreadable.
      [extra('MilestoneApproved', { ...ref, trainerId: 't', amount: usd(100), fee: usd(10), net: usd(80), feeBps: 1_000, chargeId: 'c' }),
        { ...extra('MilestoneFunded', ref), metadata: {} }],
      [extra('MilestoneApproved', { ...ref, trainerId: 't', amount: usd(100), fee: usd(10), net: usd(80), feeBps: 1_000, chargeId: 'c' }),
        { ...extra('MilestoneFunded', { ...ref, amount: usd(1), paymentIntentId: 'pi', chargeId: 'ch' }), eventId: 'not an id!' }],
      [{ ...extra('MilestonePayoutCompleted', { ...ref, trainerId: 't', amount: usd(1), transferId: 'tr', destinationAccountId: 'a' }), eventId: 'not an id!' }],
      [extra('MilestoneFunded', { ...ref, amount: usd(1), paymentIntentId: 'pi', chargeId: 'ch' }, '2027-13-01T00:00:00Z')],
    ];
    const oracleDb = await freshDb(target);
    const batchDb = await freshDb(target);
    try {
      await oracleRun(oracleDb, head);
      await batchRun(batchDb, head, 500);
      const before = await snapshot(batchDb);
      for (const bad of broken) {
        // Valid events of the same batch go first, so the failure comes mid-batch.
        const batch = [...log.slice(400, 430), ...bad];
        const oracleFailure = await failureOf(oracleDb.transaction(async (tx) => { for (const e of batch) await oracleApply(tx, e); }));
        const batchFailure = await failureOf(batchDb.transaction((tx) => invoicesProjection.applyBatch!(tx, batch)));
        expect(oracleFailure).not.toBe('no failure');
        expect(batchFailure).toBe(oracleFailure);
        expect(await snapshot(batchDb)).toEqual(before);
      }
      expect(await snapshot(oracleDb)).toEqual(before);
    } finally {
      await oracleDb.close();
      await batchDb.close();
    }
  });
});
