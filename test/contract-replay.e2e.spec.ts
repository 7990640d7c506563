import type { Actor } from '@escrow/domain';
import { eventually, withApp, type HttpResponse } from './support/app';
import { expectRefusedWithoutWrites } from './support/api-checks';
import { startEsdbTestServer, type EsdbTestServer } from './esdb-server';
import { describeEachDatabase } from './support/databases';
import { employer, lifecycle, otherEmployer, otherTrainer, support, trainer } from './support/lifecycle';

const finance: Actor = { role: 'finance', id: 'fin_replay' };

interface Step {
  position: string;
  revision: number;
  eventId: string;
  occurredAt: string;
  type: string;
  actor: Actor | null;
  correlationId: string | null;
  causationId: string | null;
  stripe: Record<string, string>;
  data: Record<string, unknown>;
  contract: { position: string; status: string; milestones: Record<string, unknown>[] };
  changes: { milestoneId: string | null; field: string; before: string | null; after: string | null }[];
  posting: { transactionId: string; stripeReference: string; entries: { account: string; debit: string; credit: string }[] } | null;
}

interface StoredEvent {
  type: string;
  data: Record<string, any>;
  metadata: Record<string, any>;
  revision: number;
  position: string;
}

/**
 * Each spec runs with the events in SQL (PGlite, and PostgreSQL with DATABASE_URL) and again in
 * EventStoreDB (the EventStoreDB-compatible test server, read models in SQL). With EventStoreDB
 * the SQL log stays empty, so "nothing written" checks there only the SQL side.
 */
const eventStores = ['events in SQL', 'events in EventStoreDB'] as const;
const unusedDatabaseUrl = 'postgres://configuration-check-only.invalid/unused';

describe.each(eventStores)('contract replay, asOf, notes, disputes queue, case file (%s)', (eventStore) => {
  describeEachDatabase('over HTTP', (target) => {
    let esdb: EsdbTestServer | null = null;
    beforeAll(async () => {
      if (eventStore === 'events in EventStoreDB') esdb = await startEsdbTestServer();
    });
    afterAll(async () => {
      await esdb?.close();
    });
    const app = withApp(target, () => ({
      env: {
        PLATFORM_FEE_BPS: '1000',
        ...(esdb ? { EVENT_STORE: 'eventstoredb', EVENTSTORE_URL: esdb.url, DATABASE_URL: unusedDatabaseUrl } : {}),
      },
    }));

    /** Refused, and nothing appended: to the SQL log, and to EventStoreDB when it holds the events. */
    async function refuse(call: () => Promise<HttpResponse>, status: number, message: RegExp | string) {
      const ours = () => esdb?.events().filter((e) => !e.stream.startsWith('$')).length;
      const before = ours();
      const response = await expectRefusedWithoutWrites(app.db, app.store, call, status, message);
      expect(ours()).toBe(before);
      return response;
    }

    beforeAll(async () => {
      await lifecycle(app.api).setUpBilling();
    });

    /** A 150.00 milestone funded, disputed by the trainer, split 60.00 / 90.00, refunded and paid out. */
    async function splitContract() {
      const steps = lifecycle(app.api);
      const { contractId, milestoneId } = await steps.hire('150.00');
      await steps.fund(contractId, milestoneId);
      await steps.milestoneReaches(contractId, milestoneId, 'funded');
      const disputed = await app.api.request('POST', `/v1/contracts/${contractId}/milestones/${milestoneId}/dispute`, { as: trainer, body: { reason: 'the employer went silent' } });
      expect(disputed.body).toMatchObject({ status: 'disputed' });
      const resolved = await app.api.request('POST', `/v1/contracts/${contractId}/milestones/${milestoneId}/resolve`, {
        as: support,
        body: { resolution: 'split', trainerAmount: '60.00', note: 'half the batches were usable' },
      });
      expect(resolved.body).toMatchObject({ status: 'approved' });
      const events = await eventually(async () => {
        const history = await app.api.request('GET', `/v1/contracts/${contractId}/events`, { as: support });
        const list = history.body.events as StoredEvent[];
        const types = list.map((e) => e.type);
        return types.includes('MilestoneRefunded') && types.includes('MilestonePayoutCompleted') ? list : undefined;
      }, 'the refund and the payout of the split');
      return { contractId, milestoneId, events };
    }

    let contract: Awaited<ReturnType<typeof splitContract>>;
    beforeAll(async () => {
      contract = await splitContract();
    });

    it('replays a disputed, split-resolved contract step by step, as the events say', async () => {
      const { contractId, milestoneId: mid, events } = contract;
      const replay = await app.api.request('GET', `/v1/contracts/${contractId}/replay`, { as: support });
      expect(replay.status).toBe(200);
      expect(replay.body.contractId).toBe(contractId);
      const steps = replay.body.steps as Step[];
      expect(steps.map((s) => s.type)).toEqual(events.map((e) => e.type));
      expect(steps.map((s) => s.type)).toEqual([
        'ContractCreated', 'MilestoneCreated', 'MilestoneFundingRequested', 'MilestoneFunded', 'MilestoneDisputed', 'MilestoneDisputeResolved',
        ...(events[6]!.type === 'MilestoneRefunded' ? ['MilestoneRefunded', 'MilestonePayoutCompleted'] : ['MilestonePayoutCompleted', 'MilestoneRefunded']),
      ]);

      const escrow = `escrow:contract:${contractId}`;
      const payable = `trainer_payable:${trainer.id}`;
      const line = (s: Step) => s.changes.map((c) => `${c.milestoneId === null ? 'contract' : c.milestoneId === mid ? 'm' : c.milestoneId}.${c.field}: ${c.before} → ${c.after}`);
      const entries = (s: Step) => s.posting?.entries.map((e) => `${e.account} Dr ${e.debit} Cr ${e.credit}`) ?? null;
      const milestoneAfter = (s: Step) => s.contract.milestones.find((m) => m.milestoneId === mid)!;
      let paidYet = false;

      events.forEach((event, i) => {
        const step = steps[i]!;
        // The log's own facts, unchanged.
        expect(step).toMatchObject({
          position: event.position,
          revision: event.revision,
          eventId: event.metadata.eventId,
          occurredAt: event.metadata.occurredAt,
          actor: event.metadata.actor,
          correlationId: event.metadata.correlationId,
          causationId: event.metadata.causationId,
          data: event.data,
        });
        expect(step.contract.position).toBe(event.position);
        if (step.posting) expect(step.posting.transactionId).toBe(event.metadata.eventId);
        const d = event.data;
        switch (event.type) {
          case 'ContractCreated':
            expect(step.actor).toEqual(employer);
            expect(line(step)).toEqual(['contract.status: null → active']);
            expect(step.posting).toBeNull();
            break;
          case 'MilestoneCreated':
            expect(line(step)).toEqual(['m.status: null → pending', 'm.amount: null → 150.00']);
            expect(step.posting).toBeNull();
            break;
          case 'MilestoneFundingRequested':
            expect(line(step)).toEqual(['m.status: pending → funding']);
            expect(step.stripe).toEqual({ customerId: d.customerId, paymentMethodId: d.paymentMethodId });
            expect(step.posting).toBeNull();
            break;
          case 'MilestoneFunded':
            expect(line(step)).toEqual(['m.status: funding → funded', 'm.escrow: 0.00 → 150.00']);
            expect(step.stripe).toEqual({ paymentIntentId: d.paymentIntentId, chargeId: d.chargeId });
            expect(milestoneAfter(step)).toMatchObject({ status: 'funded', chargeReference: d.chargeId });
            expect(step.posting!.stripeReference).toBe(d.chargeId);
            expect(entries(step)).toEqual(['platform:stripe_balance Dr 150.00 Cr 0.00', `${escrow} Dr 0.00 Cr 150.00`]);
            break;
          case 'MilestoneDisputed':
            expect(step.actor).toEqual(trainer);
            expect(d).toMatchObject({ reason: 'the employer went silent', previousStatus: 'funded', chargeback: null });
            expect(line(step)).toEqual(['m.status: funded → disputed']);
            expect(step.posting).toBeNull();
            break;
          case 'MilestoneDisputeResolved':
            expect(step.actor).toEqual(support);
            expect(d).toMatchObject({ resolution: 'split', trainerAmount: { amountCents: 6_000 }, refundAmount: { amountCents: 9_000 }, fee: { amountCents: 600 }, net: { amountCents: 5_400 } });
            expect(line(step)).toEqual(['m.status: disputed → approved', 'm.fee: null → 6.00', 'm.net: null → 54.00', 'm.escrow: 150.00 → 90.00', 'm.refundPending: 0.00 → 90.00']);
            expect(milestoneAfter(step)).toMatchObject({ resolution: 'split', fee: '6.00', net: '54.00', refundPending: '90.00' });
            expect(step.posting!.stripeReference).toBe(d.chargeId);
            expect(entries(step)).toEqual([`${escrow} Dr 60.00 Cr 0.00`, `${payable} Dr 0.00 Cr 54.00`, 'platform:fee_revenue Dr 0.00 Cr 6.00']);
            break;
          case 'MilestoneRefunded':
            expect(d.amount).toEqual({ amountCents: 9_000, currency: 'USD' });
            expect(line(step)).toEqual(['m.escrow: 90.00 → 0.00', 'm.refundPending: 90.00 → 0.00', 'm.refunded: 0.00 → 90.00']);
            expect(step.stripe).toMatchObject({ refundId: d.refundId, chargeId: d.chargeId });
            expect(milestoneAfter(step)).toMatchObject({ status: paidYet ? 'paid' : 'approved', refunded: '90.00', refundReference: d.refundId });
            expect(step.posting!.stripeReference).toBe(d.refundId);
            expect(entries(step)).toEqual([`${escrow} Dr 90.00 Cr 0.00`, 'platform:stripe_balance Dr 0.00 Cr 90.00']);
            break;
          case 'MilestonePayoutCompleted':
            paidYet = true;
            expect(line(step)).toEqual(['m.status: approved → paid']);
            expect(step.stripe).toEqual({ transferId: d.transferId, destinationAccountId: d.destinationAccountId });
            expect(milestoneAfter(step)).toMatchObject({ status: 'paid', transferReference: d.transferId });
            expect(step.posting!.stripeReference).toBe(d.transferId);
            expect(entries(step)).toEqual([`${payable} Dr 54.00 Cr 0.00`, 'platform:stripe_balance Dr 0.00 Cr 54.00']);
            break;
          default:
            throw new Error(`unexpected event ${event.type}`);
        }
      });

      // The last step is the contract as the read model serves it now.
      const now = await app.api.request('GET', `/v1/contracts/${contractId}?minPosition=${events[events.length - 1]!.position}`, { as: support });
      expect(steps[steps.length - 1]!.contract).toEqual(now.body);
    });

    it('the parties, finance and support read the replay; strangers and unknown contracts are refused', async () => {
      const path = `/v1/contracts/${contract.contractId}/replay`;
      for (const reader of [employer, trainer, finance, support]) {
        expect((await app.api.request('GET', path, { as: reader })).status).toBe(200);
      }
      for (const stranger of [otherEmployer, otherTrainer]) {
        await refuse(() => app.api.request('GET', path, { as: stranger }), 403, 'only the contract parties');
      }
      await refuse(() => app.api.request('GET', '/v1/contracts/c_unknown_replay/replay', { as: support }), 404, 'does not exist');
      await refuse(() => app.api.request('GET', `${path}?asOf=x`, { as: support }), 400, 'asOf: unknown query parameter');
    });

    it('asOf=<position>: the contract as it stood right after that event, folded from the log', async () => {
      const { contractId } = contract;
      const steps = (await app.api.request('GET', `/v1/contracts/${contractId}/replay`, { as: support })).body.steps as Step[];
      for (const step of steps) {
        const then = await app.api.request('GET', `/v1/contracts/${contractId}?asOf=${step.position}`, { as: employer });
        expect(then.status).toBe(200);
        expect(then.body).toEqual(step.contract);
      }
      const disputedAt = steps.find((s) => s.type === 'MilestoneDisputed')!;
      const then = await app.api.request('GET', `/v1/contracts/${contractId}?asOf=${disputedAt.position}`, { as: trainer });
      expect(then.body.milestones[0]).toMatchObject({ status: 'disputed', resolution: null, refunded: '0.00' });
    });

    it('asOf=<time>: the contract after every event that occurred by then', async () => {
      const { contractId } = contract;
      const steps = (await app.api.request('GET', `/v1/contracts/${contractId}/replay`, { as: support })).body.steps as Step[];
      for (const step of steps) {
        const expected = [...steps].reverse().find((s) => s.occurredAt <= step.occurredAt)!;
        const then = await app.api.request('GET', `/v1/contracts/${contractId}?asOf=${encodeURIComponent(step.occurredAt)}`, { as: support });
        expect(then.status).toBe(200);
        expect(then.body).toEqual(expected.contract);
      }
      // The same instant in another zone.
      const funded = steps.find((s) => s.type === 'MilestoneFunded')!;
      const inZone = new Date(Date.parse(funded.occurredAt) + 2 * 3_600_000).toISOString().replace('Z', '+02:00');
      const zoned = await app.api.request('GET', `/v1/contracts/${contractId}?asOf=${encodeURIComponent(inZone)}`, { as: support });
      expect(zoned.body.milestones[0].status).toBe([...steps].reverse().find((s) => s.occurredAt <= funded.occurredAt)!.contract.milestones[0]!.status);
      // Before the contract existed.
      const before = new Date(Date.parse(steps[0]!.occurredAt) - 1_000).toISOString();
      await refuse(() => app.api.request('GET', `/v1/contracts/${contractId}?asOf=${before}`, { as: support }), 404, 'did not exist as of');
    });

    it('asOf refuses what is not a position or a zoned time, strangers, and minPosition with it', async () => {
      const { contractId } = contract;
      const path = `/v1/contracts/${contractId}`;
      const call = (query: string, as: Actor = support) => () => app.api.request('GET', `${path}?${query}`, { as });
      for (const bad of ['yesterday', '2026-03-01', '2026-03-01T12:00:00', '2026-02-30T00:00:00Z', '', '1-2']) {
        await refuse(call(`asOf=${encodeURIComponent(bad)}`), 400, /^asOf: must be/);
      }
      await refuse(call(`asOf=${'0'.repeat(10)}${'9'.repeat(10)}-${'0'.repeat(20)}`), 400, /^asOf: beyond the end of the log/);
      await refuse(call(`asOf=2026-03-01T00:00:00Z&minPosition=${contract.events[0]!.position}`), 400, /^minPosition: not with asOf/);
      await refuse(call(`asOf=${contract.events[0]!.position}`, otherEmployer), 403, 'only the contract parties');
      await refuse(call('asOf=2026-03-01T00:00:00Z&asOf=2026-03-02T00:00:00Z'), 400, /^asOf: given 2 times/);
    });

    describe('support notes', () => {
      const notesPath = (cid: string, mid: string) => `/v1/contracts/${cid}/milestones/${mid}/notes`;

      async function disputedMilestone() {
        const steps = lifecycle(app.api);
        const { contractId, milestoneId } = await steps.hire('40.00');
        await steps.fund(contractId, milestoneId);
        await steps.milestoneReaches(contractId, milestoneId, 'funded');
        const disputed = await app.api.request('POST', `/v1/contracts/${contractId}/milestones/${milestoneId}/dispute`, { as: employer, body: { reason: 'labels are wrong' } });
        expect(disputed.body).toMatchObject({ status: 'disputed' });
        return { contractId, milestoneId };
      }

      it('support appends notes to a disputed milestone; each shows in the replay with its author and time', async () => {
        const { contractId, milestoneId } = await disputedMilestone();
        const first = await app.api.request('POST', notesPath(contractId, milestoneId), { as: support, body: { note: '  called the employer;\nevidence requested  ' } });
        expect(first.status).toBe(201);
        expect(first.body).toEqual({ noteId: expect.any(String), position: expect.any(String) });
        const second = await app.api.request('POST', notesPath(contractId, milestoneId), { as: support, body: { note: 'evidence received' } });
        expect(second.status).toBe(201);
        expect(second.body.noteId).not.toBe(first.body.noteId);

        const steps = (await app.api.request('GET', `/v1/contracts/${contractId}/replay`, { as: support })).body.steps as Step[];
        const notes = steps.filter((s) => s.type === 'MilestoneSupportNoteAdded');
        expect(notes.map((n) => ({ position: n.position, actor: n.actor, data: n.data, changes: n.changes, posting: n.posting }))).toEqual([
          { position: first.body.position, actor: support, data: { contractId, milestoneId, noteId: first.body.noteId, supportId: support.id, note: 'called the employer;\nevidence requested' }, changes: [], posting: null },
          { position: second.body.position, actor: support, data: { contractId, milestoneId, noteId: second.body.noteId, supportId: support.id, note: 'evidence received' }, changes: [], posting: null },
        ]);
        expect(notes[0]!.occurredAt).toEqual(expect.any(String));
        // The parties read the replay, notes included; their view of the contract does not change.
        const view = await app.api.request('GET', `/v1/contracts/${contractId}?minPosition=${second.body.position}`, { as: trainer });
        expect(view.body.milestones[0]).toMatchObject({ status: 'disputed' });
        expect(view.body.position).toBe(second.body.position);
      });

      it('a resolved (or chargeback-closed) dispute still takes notes', async () => {
        const { contractId, milestoneId } = contract;
        const added = await app.api.request('POST', notesPath(contractId, milestoneId), { as: support, body: { note: 'closed: split 60/90' } });
        expect(added.status).toBe(201);
      });

      it('refuses other roles, milestones never disputed, bad text and unknown fields, writing nothing', async () => {
        const { contractId, milestoneId } = await disputedMilestone();
        const post = (as: Actor, body: unknown, cid = contractId, mid = milestoneId) => () => app.api.request('POST', notesPath(cid, mid), { as, body });
        const refused = (call: () => Promise<any>, status: number, message: RegExp | string) => refuse(call, status, message);
        for (const actor of [employer, trainer, finance]) await refused(post(actor, { note: 'x' }), 403, `role ${actor.role} cannot do this`);
        const fresh = await lifecycle(app.api).hire('10.00');
        await refused(post(support, { note: 'x' }, fresh.contractId, fresh.milestoneId), 409, 'it was never disputed (its status is pending)');
        await refused(post(support, { note: 'x' }, contractId, 'm_unknown'), 404, 'milestone m_unknown does not exist');
        await refused(post(support, { note: 'x' }, 'c_unknown_notes', milestoneId), 404, 'does not exist');
        await refused(post(support, {}), 400, /^note: /);
        await refused(post(support, { note: '   ' }), 400, /^note: /);
        await refused(post(support, { note: 'a'.repeat(1_001) }), 400, /^note: /);
        await refused(post(support, { note: 'a\u0000b' }), 400, /^note: /);
        await refused(post(support, { note: 'x', noteId: 'mine' }), 400, /noteId/);
      });
    });

    describe('disputes queue', () => {
      interface Entry { contractId: string; milestoneId: string; status: string; outcome: string | null; openedAt: string; ageSeconds: number; amount: string; chargeback: boolean; employerId: string; trainerId: string; openedBy: string; reason: string; notes: number }
      const queue = (query = '', as: Actor = support) => app.api.request('GET', `/v1/disputes${query}`, { as });

      it('lists every dispute oldest first, with age, amount, parties and the chargeback flag; filters by status and age', async () => {
        const { contractId, milestoneId } = contract;
        const another = await lifecycle(app.api).hire('25.00');
        await lifecycle(app.api).fund(another.contractId, another.milestoneId);
        await lifecycle(app.api).milestoneReaches(another.contractId, another.milestoneId, 'funded');
        const disputed = await app.api.request('POST', `/v1/contracts/${another.contractId}/milestones/${another.milestoneId}/dispute`, { as: trainer, body: { reason: 'no feedback for 3 weeks' } });
        expect(disputed.status).toBe(200);

        const all = await eventually(async () => {
          const response = await queue();
          const entries = response.body.disputes as Entry[];
          return entries.some((e) => e.contractId === another.contractId) ? entries : undefined;
        }, 'the new dispute in the queue');
        expect(all.map((e) => e.openedAt)).toEqual([...all.map((e) => e.openedAt)].sort());
        const split = all.find((e) => e.contractId === contractId && e.milestoneId === milestoneId)!;
        expect(split).toMatchObject({
          status: 'resolved', outcome: 'split', amount: '150.00', currency: 'USD', chargeback: false,
          employerId: employer.id, trainerId: trainer.id, openedBy: 'trainer', reason: 'the employer went silent', resolvedAt: expect.any(String),
        });
        expect(split.ageSeconds).toBeGreaterThanOrEqual(0);
        const fresh = all.find((e) => e.contractId === another.contractId)!;
        expect(fresh).toMatchObject({ status: 'open', outcome: null, amount: '25.00', openedBy: 'trainer', chargeback: false, notes: 0 });

        const open = (await queue('?status=open')).body.disputes as Entry[];
        expect(open.every((e) => e.status === 'open')).toBe(true);
        expect(open.map((e) => e.contractId)).toContain(another.contractId);
        expect(open.map((e) => e.contractId)).not.toContain(contractId);
        const resolved = (await queue('?status=resolved')).body.disputes as Entry[];
        expect(resolved.map((e) => e.contractId)).toEqual([contractId]);

        // olderThan as a duration back from now, or as an instant.
        expect(((await queue('?olderThan=P1D')).body.disputes as Entry[])).toEqual([]);
        expect(((await queue('?olderThan=PT0S')).body.disputes as Entry[]).map((e) => e.contractId)).toEqual(all.map((e) => e.contractId));
        const beforeFresh = (await queue(`?status=open&olderThan=${encodeURIComponent(fresh.openedAt)}`)).body;
        expect((beforeFresh.disputes as Entry[]).map((e) => e.contractId)).not.toContain(another.contractId);
        expect(beforeFresh.openedBefore).toBe(fresh.openedAt);
        expect(((await queue('?limit=1')).body.disputes as Entry[])).toEqual([expect.objectContaining({ contractId: all[0]!.contractId, milestoneId: all[0]!.milestoneId })]);
      });

      it('is for support only; bad filters are a 400 naming the parameter', async () => {
        const refused = (query: string, status: number, message: RegExp | string, as: Actor = support) => refuse(() => queue(query, as), status, message);
        for (const actor of [employer, trainer, finance]) await refused('', 403, `role ${actor.role} cannot do this`, actor);
        await refused('?status=closed', 400, /^status: must be open or resolved/);
        for (const bad of ['7d', 'P', 'PT', 'P1M', 'P1Y', '-P1D', '2026-03-01', contract.events[0]!.position, 'P1DT']) {
          await refused(`?olderThan=${encodeURIComponent(bad)}`, 400, /^olderThan: must be an ISO-8601 duration/);
        }
        await refused('?limit=0', 400, /^limit: must be an integer from 1 to 1000/);
        await refused('?bogus=1', 400, 'bogus: unknown query parameter');
      });
    });

    describe('case file', () => {
      it('support downloads the case file as JSON and PDF: timeline, amounts, dispute reason, notes, resolution, invoices, Stripe ids', async () => {
        const { contractId, milestoneId, events } = contract;
        // The invoices read model has issued the funding and the payout invoices.
        const file = await eventually(async () => {
          const response = await app.api.request('GET', `/v1/contracts/${contractId}/case-file`, { as: support });
          expect(response.status).toBe(200);
          expect(response.headers.get('content-disposition')).toBe(`attachment; filename="case-file-${contractId}.json"`);
          expect(response.headers.get('content-type')).toMatch(/^application\/json/);
          return (response.body.invoices as unknown[]).length >= 2 ? response.body : undefined;
        }, 'the invoices of the split contract');
        const resolved = events.find((e) => e.type === 'MilestoneDisputeResolved')!;
        expect(file).toMatchObject({ contractId, employerId: employer.id, trainerId: trainer.id, projectName: 'Reward model eval' });
        expect(file.milestones[0]).toMatchObject({
          milestoneId, status: 'paid', amount: '150.00', fee: '6.00', net: '54.00', refunded: '90.00',
          disputes: [{ openedBy: 'trainer', reason: 'the employer went silent', chargeback: null }],
          resolutions: [{ resolution: 'split', by: support, trainerAmount: '60.00', refundAmount: '90.00', fee: '6.00', net: '54.00', note: 'half the batches were usable', resolvedAt: resolved.metadata.occurredAt }],
        });
        expect(file.milestones[0].notes).toEqual(expect.arrayContaining([expect.objectContaining({ by: support.id, text: 'closed: split 60/90' })]));
        const kinds = (file.invoices as { kind: string }[]).map((i) => i.kind).sort();
        expect(kinds).toEqual(expect.arrayContaining(['employer_funding', 'trainer_payout']));
        const funded = events.find((e) => e.type === 'MilestoneFunded')!;
        const refunded = events.find((e) => e.type === 'MilestoneRefunded')!;
        const paid = events.find((e) => e.type === 'MilestonePayoutCompleted')!;
        expect(file.stripe).toMatchObject({ chargeId: [funded.data.chargeId], refundId: [refunded.data.refundId], transferId: [paid.data.transferId] });
        const timeline = file.timeline as { type: string; position: string }[];
        expect(timeline.slice(0, events.length).map((e) => [e.type, e.position])).toEqual(events.map((e) => [e.type, e.position]));

        const pdf = await fetch(`${app.api.baseUrl}/v1/contracts/${contractId}/case-file.pdf`, { headers: { authorization: `Bearer ${app.api.token('support', support.id)}` } });
        expect(pdf.status).toBe(200);
        expect(pdf.headers.get('content-type')).toBe('application/pdf');
        expect(pdf.headers.get('content-disposition')).toBe(`attachment; filename="case-file-${contractId}.pdf"`);
        const bytes = Buffer.from(await pdf.arrayBuffer());
        expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      });

      it('is for support only; an unknown contract is a 404', async () => {
        const { contractId } = contract;
        for (const actor of [employer, trainer, finance]) {
          for (const path of [`/v1/contracts/${contractId}/case-file`, `/v1/contracts/${contractId}/case-file.pdf`]) {
            await refuse(() => app.api.request('GET', path, { as: actor }), 403, `role ${actor.role} cannot do this`);
          }
        }
        await refuse(() => app.api.request('GET', '/v1/contracts/c_unknown_case/case-file', { as: support }), 404, 'does not exist');
        await refuse(() => app.api.request('GET', `/v1/contracts/${contractId}/case-file?format=pdf`, { as: support }), 400, 'format: unknown query parameter');
      });
    });
  });
});
