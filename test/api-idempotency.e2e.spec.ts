import { ConflictException, type CallHandler, type ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { lastValueFrom, map, of, timer } from 'rxjs';
import type { Actor } from '@escrow/domain';
import { PostgresEventStore, WrongExpectedVersion, type EventStore, type RecordedEvent } from '@escrow/event-store';
import { applyMigrations } from '@escrow/migrations';
import { EVENT_STORE } from '@escrow/runtime';
import type { SqlDb } from '@escrow/sql';
import { IdempotencyInterceptor } from '../apps/api/src/idempotency/idempotency.interceptor';
import { IdempotencyStore } from '../apps/api/src/idempotency/idempotency.store';
import { eventually, withApp } from './support/app';
import { describeEachDatabase, emptySchema } from './support/databases';
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
  const app = withApp(target);

  const logSize = async () => (await settledLog(app.db, app.store)).size;

  /** Every ContractCreated in the whole log for contracts of this employer. */
  async function contractsCreatedBy(employer: Actor): Promise<string[]> {
    const { events } = await settledLog(app.db, app.store);
    return events
      .filter((e) => e.type === 'ContractCreated' && (e.data as { employerId: string }).employerId === employer.id)
      .map((e) => (e.data as { contractId: string }).contractId);
  }

  const hire = (employer: Actor, body: unknown, key?: string) =>
    app.api.request('POST', '/v1/contracts', { as: employer, body, headers: key === undefined ? {} : { 'idempotency-key': key } });

  async function statusBecomes(contractId: string, milestoneId: string, status: string) {
    return eventually(async () => {
      const view = await app.api.request('GET', `/v1/contracts/${contractId}`, { as: supportActor });
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
      const other = await app.api.request('POST', `/v1/contracts/${hired.body.contractId}/milestones`, {
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
        const attached = await app.api.request('POST', `/v1/employers/${employer.id}/payment-method`, { as: employer, body: { paymentMethodId: paymentMethod } });
        expect(attached.status).toBe(200);
      }
      const hired = await hire(employer, validHire(trainer.id));
      expect(hired.status).toBe(201);
      return { employer, trainer, contractId: hired.body.contractId as string, milestoneId: hired.body.milestoneId as string };
    }

    const fund = (p: { employer: Actor; contractId: string; milestoneId: string }, key: string) =>
      app.api.request('POST', milestonePath(p.contractId, p.milestoneId, 'fund'), { as: p.employer, body: {}, headers: { 'idempotency-key': key } });

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

      const types = (await app.store.readStream(`contract-${parties.contractId}`)).map((e) => e.type);
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

      const attached = await app.api.request('POST', `/v1/employers/${parties.employer.id}/payment-method`, { as: parties.employer, body: { paymentMethodId: 'pm_card_visa' } });
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
        app.api.request('POST', milestonePath(parties.contractId, parties.milestoneId, 'approve'), { as: parties.employer, body: {}, headers: { 'idempotency-key': key } });
      const first = await approve();
      expectError(first, 409, /\bpending\b/);
      const second = await approve();
      expect({ status: second.status, body: second.body }).toEqual({ status: first.status, body: first.body });
    });

    it('a 404 replays as the same 404 for the same key', async () => {
      const parties = await contract(null);
      const key = newKey();
      const cancel = () =>
        app.api.request('POST', milestonePath(parties.contractId, 'm_missing', 'cancel'), { as: parties.employer, body: {}, headers: { 'idempotency-key': key } });
      const first = await cancel();
      expectError(first, 404, 'm_missing');
      const second = await cancel();
      expect({ status: second.status, body: second.body }).toEqual({ status: first.status, body: first.body });
    });

    it('cancelling twice with one key → 200 {status: "cancelled"} both times, one MilestoneCancelled', async () => {
      const parties = await contract(null);
      const key = newKey();
      const cancel = () =>
        app.api.request('POST', milestonePath(parties.contractId, parties.milestoneId, 'cancel'), { as: parties.employer, body: {}, headers: { 'idempotency-key': key } });
      const first = await cancel();
      expect({ status: first.status, body: first.body }).toMatchObject({ status: 200, body: { status: 'cancelled' } });
      const second = await cancel();
      expect({ status: second.status, body: second.body }).toEqual({ status: 200, body: first.body });
      const types = (await app.store.readStream(`contract-${parties.contractId}`)).map((e) => e.type);
      expect(types.filter((t) => t === 'MilestoneCancelled')).toHaveLength(1);
    });
  });

  describe('leases and retries', () => {
    const milestoneBody = { name: 'Batch 2', amount: '10.00' };
    const scopeOf = (actor: Actor) => `${actor.role}:${actor.id}`;

    async function hiredContract() {
      const employer = freshEmployer();
      const hired = await hire(employer, validHire(freshTrainer().id));
      expect(hired.status).toBe(201);
      return { employer, contractId: hired.body.contractId as string, milestoneId: hired.body.milestoneId as string };
    }

    const addMilestone = (employer: Actor, contractId: string, body: unknown, key: string) =>
      app.api.request('POST', `/v1/contracts/${contractId}/milestones`, { as: employer, body, headers: { 'idempotency-key': key } });

    async function milestonesCreated(contractId: string): Promise<string[]> {
      const events = await app.store.readStream(`contract-${contractId}`);
      return events.filter((e) => e.type === 'MilestoneCreated').map((e) => (e.data as { milestoneId: string }).milestoneId);
    }

    /** What kill -9 mid-request leaves behind: a claim on the key that nobody will renew or complete. */
    async function claimAsDeadProcess(employer: Actor, path: string, body: unknown, key: string, leaseMs: number) {
      const dead = new IdempotencyStore(app.db, { leaseMs });
      const claim = await dead.claim(scopeOf(employer), key, IdempotencyStore.requestHash('POST', path, body));
      expect(claim.outcome).toBe('claimed');
    }

    it('a claim whose process died is taken over once its lease runs out: the retry runs once; another body is still a 422', async () => {
      const { employer, contractId } = await hiredContract();
      const key = newKey();
      await claimAsDeadProcess(employer, `/v1/contracts/${contractId}/milestones`, milestoneBody, key, 300);

      const retry = await addMilestone(employer, contractId, milestoneBody, key);
      expect(retry.status).toBe(201);
      expect(retry.headers.get('idempotent-replayed')).toBeNull();
      expect(await milestonesCreated(contractId)).toEqual([expect.any(String), retry.body.milestoneId]);

      expectError(await addMilestone(employer, contractId, { ...milestoneBody, amount: '11.00' }, key), 422, 'Idempotency-Key');
      const replay = await addMilestone(employer, contractId, milestoneBody, key);
      expect({ status: replay.status, body: replay.body, replayed: replay.headers.get('idempotent-replayed') }).toEqual({ status: 201, body: retry.body, replayed: 'true' });
      expect(await milestonesCreated(contractId)).toHaveLength(2);
    });

    it('two retries racing for an expired claim: one runs, the other gets its answer', async () => {
      const { employer, contractId } = await hiredContract();
      const key = newKey();
      await claimAsDeadProcess(employer, `/v1/contracts/${contractId}/milestones`, milestoneBody, key, 200);
      await new Promise((resolve) => setTimeout(resolve, 250));

      const [a, b] = await Promise.all([0, 1].map(() => addMilestone(employer, contractId, milestoneBody, key)));
      expect([a!.status, b!.status]).toEqual([201, 201]);
      expect(b!.body).toEqual(a!.body);
      expect([a!.headers.get('idempotent-replayed'), b!.headers.get('idempotent-replayed')].sort()).toEqual([null, 'true'].sort());
      expect(await milestonesCreated(contractId)).toHaveLength(2);
    });

    it('of two stores racing to take over one expired claim, exactly one gets it', async () => {
      const employer = freshEmployer();
      const key = newKey();
      const hash = IdempotencyStore.requestHash('POST', '/v1/contracts', {});
      await claimAsDeadProcess(employer, '/v1/contracts', {}, key, 100);
      await new Promise((resolve) => setTimeout(resolve, 150));
      const claims = await Promise.all([0, 1].map(() => new IdempotencyStore(app.db).claim(scopeOf(employer), key, hash)));
      expect(claims.map((c) => c.outcome).sort()).toEqual(['claimed', 'in_progress']);
      expect(claims.find((c) => c.outcome === 'claimed')).toMatchObject({ takenOver: true });
    });

    it('re-running a request whose dead process had already written appends nothing twice and answers the same', async () => {
      const { employer, contractId, milestoneId } = await hiredContract();
      const key = newKey();
      const cancel = () => app.api.request('POST', milestonePath(contractId, milestoneId, 'cancel'), { as: employer, body: {}, headers: { 'idempotency-key': key } });
      const first = await cancel();
      expect({ status: first.status, body: first.body }).toMatchObject({ status: 200, body: { status: 'cancelled' } });
      await forgetAnswer(employer, key);

      const retry = await cancel();
      expect({ status: retry.status, body: retry.body }).toEqual({ status: 200, body: first.body });
      expect(retry.headers.get('idempotent-replayed')).toBeNull();
      const types = (await app.store.readStream(`contract-${contractId}`)).map((e) => e.type);
      expect(types.filter((t) => t === 'MilestoneCancelled')).toHaveLength(1);
    });

    /** The process died after the append, before recording the answer: the claim is all that is left, and its lease ran out. */
    async function forgetAnswer(actor: Actor, key: string) {
      await app.db.query(
        `update idempotency_keys set state = 'in_progress', response_status = null, response_body = null, lease_expires_at = now() - interval '1 second'
         where scope = $1 and key = $2`,
        [scopeOf(actor), key],
      );
    }

    it('a hire re-run after its process died answers the same contract and milestone ids, and creates no second contract', async () => {
      const employer = freshEmployer();
      const key = newKey();
      const body = validHire(freshTrainer().id);
      const first = await app.api.request('POST', '/v1/contracts', { as: employer, body, headers: { 'idempotency-key': key } });
      expect(first.status).toBe(201);
      await forgetAnswer(employer, key);

      const retry = await app.api.request('POST', '/v1/contracts', { as: employer, body, headers: { 'idempotency-key': key } });
      expect({ status: retry.status, body: retry.body }).toEqual({ status: 201, body: first.body });
      expect((await app.store.readStream(`contract-${first.body.contractId}`)).map((e) => e.type)).toEqual(['ContractCreated', 'MilestoneCreated']);
    });

    it('an add-milestone re-run after its process died answers the milestone it wrote, not a new id', async () => {
      const { employer, contractId } = await hiredContract();
      const key = newKey();
      const first = await addMilestone(employer, contractId, milestoneBody, key);
      expect(first.status).toBe(201);
      await forgetAnswer(employer, key);

      const retry = await addMilestone(employer, contractId, milestoneBody, key);
      expect({ status: retry.status, body: retry.body }).toEqual({ status: 201, body: first.body });
      expect(await milestonesCreated(contractId)).toEqual([expect.any(String), first.body.milestoneId]);
    });

    it.each([
      { what: '409 concurrent_update', status: 409, fault: (streamId: string) => new WrongExpectedVersion(streamId, 0, 99) },
      { what: '500', status: 500, fault: () => new Error('connection reset') },
    ])('a transient $what is not stored under the key: the retry with that key runs and succeeds', async ({ status, fault }) => {
      const { employer, contractId } = await hiredContract();
      const stream = `contract-${contractId}`;
      const appStore = app.api.app.get<EventStore>(EVENT_STORE);
      const append = appStore.append.bind(appStore);
      let failing = true;
      // Every append to this contract fails while `failing`: the first request runs out of retries.
      Object.assign(appStore, {
        append: (...args: Parameters<EventStore['append']>) => (failing && args[0] === stream ? Promise.reject(fault(stream)) : append(...args)),
      });
      try {
        const key = newKey();
        const first = await addMilestone(employer, contractId, milestoneBody, key);
        expect(first.status).toBe(status);
        if (status === 409) expect(first.body).toMatchObject({ code: 'concurrent_update', message: expect.stringContaining('retry') });
        failing = false;

        const retry = await addMilestone(employer, contractId, milestoneBody, key);
        expect(retry.status).toBe(201);
        expect(retry.headers.get('idempotent-replayed')).toBeNull();
        const replay = await addMilestone(employer, contractId, milestoneBody, key);
        expect({ status: replay.status, body: replay.body }).toEqual({ status: 201, body: retry.body });
        expect(await milestonesCreated(contractId)).toEqual([expect.any(String), retry.body.milestoneId]);
      } finally {
        delete (appStore as { append?: unknown }).append;
      }
    });

    /** The interceptor on its own, with a fake request: for waits and leases shorter than the app's. */
    function directRequest(actor: Actor, key: string, path: string, body: unknown) {
      const headers = new Map<string, string>();
      const request = { method: 'POST', path, body, actor, header: (name: string) => (name === 'idempotency-key' ? key : undefined) };
      const response = { statusCode: 201, setHeader: (name: string, value: string) => headers.set(name.toLowerCase(), value) };
      const context = { switchToHttp: () => ({ getRequest: () => request, getResponse: () => response }) } as unknown as ExecutionContext;
      return { context, headers };
    }

    it('a retry within the lease waits, then gets 409 with Retry-After: the time left on the lease', async () => {
      const leaseMs = 30_000;
      const waitMs = 300;
      const interceptor = new IdempotencyInterceptor(new IdempotencyStore(app.db, { leaseMs }), { inProgressWaitMs: waitMs });
      const employer = freshEmployer();
      const key = newKey();
      await claimAsDeadProcess(employer, '/v1/contracts', {}, key, leaseMs);
      const { context, headers } = directRequest(employer, key, '/v1/contracts', {});
      let ran = false;
      const next: CallHandler = {
        handle: () => {
          ran = true;
          return of({});
        },
      };

      const started = Date.now();
      await expect(lastValueFrom(interceptor.intercept(context, next))).rejects.toBeInstanceOf(ConflictException);
      expect(Date.now() - started).toBeGreaterThanOrEqual(waitMs);
      expect(ran).toBe(false);
      const retryAfter = Number(headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(leaseMs / 1000 - 5);
      expect(retryAfter).toBeLessThanOrEqual(leaseMs / 1000);
    });

    it('a running request renews its lease: a slow request is not taken for a dead one', async () => {
      const leaseMs = 300;
      const interceptor = new IdempotencyInterceptor(new IdempotencyStore(app.db, { leaseMs }));
      const employer = freshEmployer();
      const key = newKey();
      const hash = IdempotencyStore.requestHash('POST', '/v1/contracts', {});
      const { context } = directRequest(employer, key, '/v1/contracts', {});
      const slow = lastValueFrom(interceptor.intercept(context, { handle: () => timer(3 * leaseMs).pipe(map(() => ({ done: true }))) }));

      await new Promise((resolve) => setTimeout(resolve, 2 * leaseMs));
      const other = new IdempotencyStore(app.db, { leaseMs });
      expect(await other.claim(scopeOf(employer), key, hash)).toMatchObject({ outcome: 'in_progress' });
      await expect(slow).resolves.toEqual({ done: true });
      expect(await other.claim(scopeOf(employer), key, hash)).toEqual({ outcome: 'replay', status: 201, body: { done: true } });
    });

    it('adopts a keys table made before leases and before versioned migrations; a claim left there without a lease expires a lease after its creation', async () => {
      const old = await target.open();
      try {
        // What a database of that release held: no migration history, the keys table without its lease columns.
        await emptySchema(old, { migrated: false });
        await old.exec(`create table idempotency_keys (
          scope text not null, key text not null, request_hash text not null, state text not null,
          response_status int, response_body jsonb, created_at timestamptz not null default now(), primary key (scope, key));
          insert into idempotency_keys (scope, key, request_hash, state, created_at) values
            ('employer:emp_old', 'stale', 'h1', 'in_progress', now() - interval '2 minutes'),
            ('employer:emp_old', 'recent', 'h1', 'in_progress', now());`);
        expect((await applyMigrations(old)).applied).toContain('0002_idempotency_keys');
        expect((await applyMigrations(old)).applied).toEqual([]); // every start runs it again
        const upgraded = new IdempotencyStore(old);
        expect(await upgraded.claim('employer:emp_old', 'stale', 'h2')).toEqual({ outcome: 'mismatch' });
        expect(await upgraded.claim('employer:emp_old', 'stale', 'h1')).toMatchObject({ outcome: 'claimed', takenOver: true });
        expect(await upgraded.claim('employer:emp_old', 'recent', 'h1')).toMatchObject({ outcome: 'in_progress' });
      } finally {
        await old.close();
      }
    });
  });
});
