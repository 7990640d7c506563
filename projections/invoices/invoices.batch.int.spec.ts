import { usd, type ContractEvent } from '@escrow/domain';
import type { RecordedEvent } from '@escrow/event-store';
import type { SqlDb } from '@escrow/sql';
import { describeEachDatabase, withDatabase } from '../../test/support/databases';
import { applyInBatches, applyInOneTransaction, emptyReadModel, failureOf } from '../../test/support/projection-batches';
import { invoicesProjection } from './invoices.projection';
import { invoiceTables } from './invoices.schema';

/**
 * The batched projection leaves the same rows for any batch size, batches of 1 (the per-event
 * behaviour) against larger ones, and fails with the same invariant when an event breaks one.
 */

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
        events.push({ type: 'MilestoneApproved', data: { ...ref, trainerId, amount, fee: usd(fee), net: usd(cents - fee), feeBps: 1_000, chargeId, reason: 'employer' } });
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
async function snapshot(db: SqlDb): Promise<Record<string, unknown[]>> {
  const tables: Record<string, unknown[]> = {};
  for (const table of invoiceTables) tables[table] = (await db.query(`select * from ${table} t order by 1, 2`)).rows;
  return tables;
}

describeEachDatabase('invoices projection in batches', (target) => {
  const log = realisticLog(80, 42);
  const database = withDatabase(target);

  /** The rows left by `log` applied to an empty read model in batches of `size`. */
  async function project(events: readonly RecordedEvent[], size: number | readonly number[]): Promise<Record<string, unknown[]>> {
    await emptyReadModel(database.db, invoicesProjection);
    await applyInBatches(database.db, invoicesProjection, events, size);
    return snapshot(database.db);
  }

  let perEvent: Record<string, unknown[]>;
  beforeAll(async () => {
    perEvent = await project(log, 1);
  });

  it('is a realistic log: every invoice path, many events and keys', () => {
    expect(log.length).toBeGreaterThan(900);
    const types = new Set(log.map((e) => e.type));
    for (const type of ['ContractCreated', 'MilestoneCreated', 'MilestoneFunded', 'MilestoneApproved', 'MilestoneDisputeResolved', 'MilestonePayoutCompleted', 'MilestoneRefunded', 'MilestoneDisputed']) {
      expect(types).toContain(type);
    }
    expect(perEvent.invoice_series!.map((s) => (s as { series: string }).series)).toEqual(['E-2026', 'E-2027', 'T-2026', 'T-2027']);
    expect(perEvent.invoices!.length).toBeGreaterThan(150);
    const statuses = new Set(perEvent.invoices!.map((i) => (i as { payment_status: string }).payment_status));
    expect(statuses).toEqual(new Set(['paid', 'partially_refunded', 'refunded']));
  });

  it.each([7, 500, log.length])('leaves the same rows in every table as one event per batch (batches of %i)', async (size) => {
    expect(await project(log, size)).toEqual(perEvent);
  });

  it('continues numbering from the stored counters across batches of uneven sizes', async () => {
    expect(await project(log, [3, 250, 1, 64, 999])).toEqual(perEvent);
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
    const before = await project(head, 1);
    expect(await project(head, 500)).toEqual(before);
    const db = database.db;
    for (const bad of broken) {
      // Valid events of the same batch go first, so the failure comes mid-batch.
      const batch = [...log.slice(400, 430), ...bad];
      const perEventFailure = await failureOf(applyInOneTransaction(db, invoicesProjection, batch, 1));
      expect(perEventFailure).not.toBe('no failure');
      expect(await snapshot(db)).toEqual(before);
      const batchFailure = await failureOf(db.transaction((tx) => invoicesProjection.applyBatch(tx, batch)));
      expect(batchFailure).toBe(perEventFailure);
      expect(await snapshot(db)).toEqual(before);
    }
  });
});
