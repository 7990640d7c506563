import { randomUUID } from 'node:crypto';
import type { Actor } from '@escrow/domain';
import { PostgresEventStore, type RecordedEvent } from '@escrow/event-store';
import type { SqlDb } from '@escrow/sql';
import { eventually, startApp, type RunningApp } from './support/app';
import { describeEachDatabase } from './support/databases';
import { allEvents, expectError, freshEmployer, freshTrainer, uid, validHire } from './support/api-checks';


const supportActor: Actor = { role: 'support', id: 'sup_idem' };



/**
 * The whole log. `readAll` shows a commit only once no older transaction is open anywhere on the
 * server (the xmin technique), so on a shared PostgreSQL it can lag behind what is committed: wait
 * until it shows every committed row (for at most a few seconds).
 */
async function settledLog(db: SqlDb, store: PostgresEventStore): Promise<{ size: number; events: RecordedEvent[] }> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const { rows } = await db.query<{ n: number | string }>('select count(*) as n from es_events');
    const committed = Number(rows[0]!.n);
    const events = await allEvents(store);
    expect(events.length).toBeLessThanOrEqual(committed);
    if (events.length === committed || Date.now() > deadline) return { size: committed, events };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}



const milestonePath = (cid: string, mid: string, action: string) => `/v1/contracts/${cid}/milestones/${mid}/${action}`;
const newKey = () => `key-${randomUUID()}`;

describeEachDatabase('API Idempotency-Key', (target) => {
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

  const logSize = async () => (await settledLog(db, store)).size;

  /** Every ContractCreated in the whole log for contracts of this employer. */
  async function contractsCreatedBy(employer: Actor): Promise<string[]> {
    const { events } = await settledLog(db, store);
    return events
      .filter((e) => e.type === 'ContractCreated' && (e.data as { employerId: string }).employerId === employer.id)
      .map((e) => (e.data as { contractId: string }).contractId);
  }

  const hire = (employer: Actor, body: unknown, key?: string) =>
    api.request('POST', '/v1/contracts', { as: employer, body, headers: key === undefined ? {} : { 'idempotency-key': key } });

  async function statusBecomes(contractId: string, milestoneId: string, status: string) {
    return eventually(async () => {
      const view = await api.request('GET', `/v1/contracts/${contractId}`, { as: supportActor });
      const milestone = view.body?.milestones?.find((m: { milestoneId: string }) => m.milestoneId === milestoneId);
      return milestone?.status === status ? milestone : undefined;
    }, `milestone ${milestoneId} to become ${status}`);
  }

  describe('hire', () => {
    it('same key + same body → the first status and body again, one contract created', async () => {
      const employer = freshEmployer();
      const body = validHire(freshTrainer().id);
      const key = newKey();
      const before = await logSize();

      const first = await hire(employer, body, key);
      expect(first.status).toBe(201);
      expect(first.body).toEqual({ contractId: expect.any(String), milestoneId: expect.any(String), position: expect.any(String) });
      expect(first.headers.get('idempotent-replayed')).toBeNull();
      expect(await logSize()).toBe(before + 2);

      const second = await hire(employer, body, key);
      expect(second.status).toBe(first.status);
      expect(second.body).toEqual(first.body);
      expect(second.headers.get('idempotent-replayed')).toBe('true');

      const reordered = await hire(employer, { firstMilestone: body.firstMilestone, trainerId: body.trainerId, projectName: body.projectName }, key);
      expect({ status: reordered.status, body: reordered.body }).toEqual({ status: first.status, body: first.body });

      expect(await logSize()).toBe(before + 2);
      expect(await contractsCreatedBy(employer)).toEqual([first.body.contractId]);
    });

    it('without a key, the same body twice creates two contracts (the key is what deduplicates)', async () => {
      const employer = freshEmployer();
      const body = validHire(freshTrainer().id);
      const first = await hire(employer, body);
      const second = await hire(employer, body);
      expect([first.status, second.status]).toEqual([201, 201]);
      expect(second.body.contractId).not.toBe(first.body.contractId);
      expect((await contractsCreatedBy(employer)).sort()).toEqual([first.body.contractId, second.body.contractId].sort());
    });

    it('same key + a different body → 422 naming the key, nothing appended; the first response still replays', async () => {
      const employer = freshEmployer();
      const trainer = freshTrainer();
      const key = newKey();
      const first = await hire(employer, validHire(trainer.id, '150.00'), key);
      expect(first.status).toBe(201);

      const before = await logSize();
      expectError(await hire(employer, validHire(trainer.id, '151.00'), key), 422, 'Idempotency-Key');
      expectError(await hire(employer, { ...validHire(trainer.id, '150.00'), projectName: 'Other' }, key), 422, 'Idempotency-Key');
      expect(await logSize()).toBe(before);

      const replay = await hire(employer, validHire(trainer.id, '150.00'), key);
      expect({ status: replay.status, body: replay.body }).toEqual({ status: 201, body: first.body });
      expect(await contractsCreatedBy(employer)).toEqual([first.body.contractId]);
    });

    it('the same key on another route is a different request → 422, nothing appended', async () => {
      const employer = freshEmployer();
      const key = newKey();
      const hired = await hire(employer, validHire(freshTrainer().id), key);
      expect(hired.status).toBe(201);
      const before = await logSize();
      const other = await api.request('POST', `/v1/contracts/${hired.body.contractId}/milestones`, {
        as: employer,
        body: { name: 'Batch 2', amount: '10.00' },
        headers: { 'idempotency-key': key },
      });
      expectError(other, 422, 'Idempotency-Key');
      expect(await logSize()).toBe(before);
    });

    it('the same key used by a different user is independent', async () => {
      const alice = freshEmployer();
      const bob = freshEmployer();
      const body = validHire(freshTrainer().id);
      const key = newKey();
      const fromAlice = await hire(alice, body, key);
      const fromBob = await hire(bob, body, key);
      expect([fromAlice.status, fromBob.status]).toEqual([201, 201]);
      expect(fromBob.headers.get('idempotent-replayed')).toBeNull();
      expect(fromBob.body.contractId).not.toBe(fromAlice.body.contractId);
      expect(await contractsCreatedBy(alice)).toEqual([fromAlice.body.contractId]);
      expect(await contractsCreatedBy(bob)).toEqual([fromBob.body.contractId]);
      // Each one's key still replays its own response.
      expect((await hire(alice, body, key)).body).toEqual(fromAlice.body);
      expect((await hire(bob, body, key)).body).toEqual(fromBob.body);
    });

    it('5 concurrent requests with one key → all get the same contractId, one contract is created', async () => {
      const employer = freshEmployer();
      const body = validHire(freshTrainer().id);
      const key = newKey();
      const before = await logSize();
      const responses = await Promise.all(Array.from({ length: 5 }, () => hire(employer, body, key)));
      expect(responses.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
      const ids = new Set(responses.map((r) => r.body.contractId));
      expect(ids.size).toBe(1);
      for (const response of responses) expect(response.body).toEqual(responses[0]!.body);
      expect(responses.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(4);
      expect(await contractsCreatedBy(employer)).toEqual([...ids]);
      expect(await logSize()).toBe(before + 2);
    });

    it('a request refused with 400 replays the same 400 for the same key; the corrected body under that key → 422', async () => {
      const employer = freshEmployer();
      const trainerId = freshTrainer().id;
      const key = newKey();
      const before = await logSize();
      const bad = validHire(trainerId, '1.234');
      const first = await hire(employer, bad, key);
      expectError(first, 400, /(^|; )firstMilestone\.amount: /);
      const second = await hire(employer, bad, key);
      expect({ status: second.status, body: second.body }).toEqual({ status: first.status, body: first.body });
      expect(second.headers.get('idempotent-replayed')).toBe('true');
      expectError(await hire(employer, validHire(trainerId), key), 422, 'Idempotency-Key');
      expect(await logSize()).toBe(before);
      expect(await contractsCreatedBy(employer)).toEqual([]);
    });

    it.each([
      { what: 'longer than 255 characters', key: 'k'.repeat(256) },
      { what: 'empty', key: '' },
    ])('a key $what → 400 naming Idempotency-Key, nothing appended', async ({ key }) => {
      const employer = freshEmployer();
      const before = await logSize();
      expectError(await hire(employer, validHire(freshTrainer().id), key), 400, 'Idempotency-Key');
      expect(await logSize()).toBe(before);
      expect(await contractsCreatedBy(employer)).toEqual([]);
    });

    it('a key of exactly 255 characters is accepted', async () => {
      const employer = freshEmployer();
      const key = `${uid()}${'k'.repeat(245)}`;
      expect(key).toHaveLength(255);
      const first = await hire(employer, validHire(freshTrainer().id), key);
      expect(first.status).toBe(201);
      expect((await hire(employer, validHire(freshTrainer().id), key)).status).toBe(422);
    });
  });

  describe('milestone commands', () => {
    async function contract(paymentMethod: string | null) {
      const employer = freshEmployer();
      const trainer = freshTrainer();
      if (paymentMethod) {
        const attached = await api.request('POST', `/v1/employers/${employer.id}/payment-method`, { as: employer, body: { paymentMethodId: paymentMethod } });
        expect(attached.status).toBe(200);
      }
      const hired = await hire(employer, validHire(trainer.id));
      expect(hired.status).toBe(201);
      return { employer, trainer, contractId: hired.body.contractId as string, milestoneId: hired.body.milestoneId as string };
    }

    const fund = (p: { employer: Actor; contractId: string; milestoneId: string }, key: string) =>
      api.request('POST', milestonePath(p.contractId, p.milestoneId, 'fund'), { as: p.employer, body: {}, headers: { 'idempotency-key': key } });

    it('funding twice with one key → the first 202 again (even after the milestone moved on), one funding request, one charge', async () => {
      const parties = await contract('pm_card_visa');
      const key = newKey();
      const first = await fund(parties, key);
      expect({ status: first.status, body: first.body }).toMatchObject({ status: 202, body: { status: 'funding' } });
      const second = await fund(parties, key);
      expect({ status: second.status, body: second.body }).toEqual({ status: 202, body: first.body });

      await statusBecomes(parties.contractId, parties.milestoneId, 'funded');
      const afterFunded = await fund(parties, key);
      expect({ status: afterFunded.status, body: afterFunded.body }).toEqual({ status: 202, body: first.body });
      // A new key is a new request: now a 409, the milestone being funded.
      expectError(await fund(parties, newKey()), 409, /\bfunded\b/);

      const types = (await store.readStream(`contract-${parties.contractId}`)).map((e) => e.type);
      expect(types.filter((t) => t === 'MilestoneFundingRequested')).toHaveLength(1);
      expect(types.filter((t) => t === 'MilestoneFunded')).toHaveLength(1);
    });

    it('a domain 422 replays as the same 422 for the same key, even once the cause is fixed; a new key then succeeds', async () => {
      const parties = await contract(null);
      const key = newKey();
      const before = await logSize();
      const first = await fund(parties, key);
      expectError(first, 422, /payment method/);
      expect(await logSize()).toBe(before);

      const attached = await api.request('POST', `/v1/employers/${parties.employer.id}/payment-method`, { as: parties.employer, body: { paymentMethodId: 'pm_card_visa' } });
      expect(attached.status).toBe(200);
      const sizeWithMethod = await logSize();

      const replay = await fund(parties, key);
      expect({ status: replay.status, body: replay.body }).toEqual({ status: first.status, body: first.body });
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(await logSize()).toBe(sizeWithMethod);

      const fresh = await fund(parties, newKey());
      expect({ status: fresh.status, body: fresh.body }).toMatchObject({ status: 202, body: { status: 'funding' } });
      await statusBecomes(parties.contractId, parties.milestoneId, 'funded');
    });

    it('a 409 replays as the same 409 for the same key', async () => {
      const parties = await contract(null);
      const key = newKey();
      const approve = () =>
        api.request('POST', milestonePath(parties.contractId, parties.milestoneId, 'approve'), { as: parties.employer, body: {}, headers: { 'idempotency-key': key } });
      const first = await approve();
      expectError(first, 409, /\bpending\b/);
      const second = await approve();
      expect({ status: second.status, body: second.body }).toEqual({ status: first.status, body: first.body });
    });

    it('a 404 replays as the same 404 for the same key', async () => {
      const parties = await contract(null);
      const key = newKey();
      const cancel = () =>
        api.request('POST', milestonePath(parties.contractId, 'm_missing', 'cancel'), { as: parties.employer, body: {}, headers: { 'idempotency-key': key } });
      const first = await cancel();
      expectError(first, 404, 'm_missing');
      const second = await cancel();
      expect({ status: second.status, body: second.body }).toEqual({ status: first.status, body: first.body });
    });

    it('cancelling twice with one key → 200 {status: "cancelled"} both times, one MilestoneCancelled', async () => {
      const parties = await contract(null);
      const key = newKey();
      const cancel = () =>
        api.request('POST', milestonePath(parties.contractId, parties.milestoneId, 'cancel'), { as: parties.employer, body: {}, headers: { 'idempotency-key': key } });
      const first = await cancel();
      expect({ status: first.status, body: first.body }).toMatchObject({ status: 200, body: { status: 'cancelled' } });
      const second = await cancel();
      expect({ status: second.status, body: second.body }).toEqual({ status: 200, body: first.body });
      const types = (await store.readStream(`contract-${parties.contractId}`)).map((e) => e.type);
      expect(types.filter((t) => t === 'MilestoneCancelled')).toHaveLength(1);
    });
  });
});
