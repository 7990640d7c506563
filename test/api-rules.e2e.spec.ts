import type { Actor } from '@escrow/domain';
import { SimulatedPaymentGateway } from '@escrow/payments';
import { eventually, type HttpResponse, withApp } from './support/app';
import { describeEachDatabase } from './support/databases';
import { expectError, freshEmployer, freshTrainer, type Json, uid, validHire, expectRefusedWithoutWrites } from './support/api-checks';
import { employer as lifecycleEmployer, lifecycle, trainer as lifecycleTrainer } from './support/lifecycle';


const supportActor: Actor = { role: 'support', id: 'sup_rules' };






/** A status as a whole word: "pending" must not be satisfied by "pending_approval". */
const namesStatus = (status: string) => new RegExp(`(^|[^A-Za-z_])${status}($|[^A-Za-z_])`);

const milestonePath = (cid: string, mid: string, action: string) => `/v1/contracts/${cid}/milestones/${mid}/${action}`;

type MilestoneAt = 'pending' | 'funded' | 'pending_approval' | 'paid' | 'cancelled' | 'disputed';

describeEachDatabase('API business rules', (target) => {
  const app = withApp(target);
  let gateway: SimulatedPaymentGateway;
  beforeAll(async () => {
    gateway = await SimulatedPaymentGateway.open(app.db);
  });

  const refused = (call: () => Promise<HttpResponse>, status: number, message: RegExp | string) =>
    expectRefusedWithoutWrites(app.db, app.store, call, status, message);

  /** The contract view, read after everything already in its stream (so it reflects every command so far). */
  async function view(contractId: string, as: Actor = supportActor) {
    const last = (await app.store.readStream(`contract-${contractId}`)).at(-1);
    const response = await app.api.request('GET', `/v1/contracts/${contractId}${last ? `?minPosition=${last.position}` : ''}`, { as });
    expect(response.status).toBe(200);
    return response.body;
  }

  async function statusBecomes(contractId: string, milestoneId: string, status: string, timeoutMs?: number) {
    return eventually(async () => {
      const body = await view(contractId);
      const milestone = body.milestones.find((m: { milestoneId: string }) => m.milestoneId === milestoneId);
      return milestone?.status === status ? milestone : undefined;
    }, `milestone ${milestoneId} to become ${status}`, timeoutMs);
  }

  async function historyTypes(contractId: string, milestoneId?: string): Promise<string[]> {
    const events = await app.store.readStream(`contract-${contractId}`);
    return events.filter((e) => !milestoneId || (e.data as { milestoneId?: string }).milestoneId === milestoneId).map((e) => e.type);
  }

  interface Parties {
    employer: Actor;
    trainer: Actor;
    contractId: string;
    milestoneId: string;
  }

  /** Fresh parties (so billing state is the test's own), a contract, and its first milestone brought to `at`. */
  async function contract(at: MilestoneAt = 'pending', billing: { paymentMethod?: string | null } = {}): Promise<Parties> {
    const employer = freshEmployer();
    const trainer = freshTrainer();
    const paymentMethod = billing.paymentMethod === undefined ? 'pm_card_visa' : billing.paymentMethod;
    if (paymentMethod) {
      const attached = await app.api.request('POST', `/v1/employers/${employer.id}/payment-method`, { as: employer, body: { paymentMethodId: paymentMethod } });
      expect(attached.status).toBe(200);
    }
    // A payout account, so that approvals end paid here (payouts without one have their own describe).
    const connected = await app.api.request('POST', `/v1/trainers/${trainer.id}/payout-account`, { as: trainer, body: {} });
    expect(connected.status).toBe(200);
    const hired = await app.api.request('POST', '/v1/contracts', { as: employer, body: validHire(trainer.id) });
    expect(hired.status).toBe(201);
    const parties = { employer, trainer, contractId: hired.body.contractId as string, milestoneId: hired.body.milestoneId as string };
    await bring(parties, parties.milestoneId, at);
    return parties;
  }

  async function bring({ employer, trainer, contractId }: Parties, milestoneId: string, at: MilestoneAt): Promise<void> {
    const step = async (as: Actor, action: string, body: Json, expected: string) => {
      const response = await app.api.request('POST', milestonePath(contractId, milestoneId, action), { as, body });
      expect(response.body).toMatchObject({ status: expected });
    };
    if (at === 'pending') return;
    if (at === 'cancelled') return step(employer, 'cancel', {}, 'cancelled');
    await step(employer, 'fund', {}, 'funding');
    await statusBecomes(contractId, milestoneId, 'funded');
    if (at === 'funded') return;
    if (at === 'disputed') return step(trainer, 'dispute', { reason: 'scope changed' }, 'disputed');
    await step(trainer, 'request-approval', { note: 'done' }, 'pending_approval');
    if (at === 'pending_approval') return;
    await step(employer, 'approve', {}, 'approved');
    await statusBecomes(contractId, milestoneId, 'paid');
  }

  describe('illegal transitions (409 naming the current status)', () => {
    it.each([
      { act: 'approve', at: 'pending' as const, by: 'employer' as const },
      { act: 'request-approval', at: 'pending' as const, by: 'trainer' as const },
      { act: 'dispute', at: 'pending' as const, by: 'trainer' as const },
      { act: 'fund', at: 'funded' as const, by: 'employer' as const },
      { act: 'approve', at: 'funded' as const, by: 'employer' as const },
      { act: 'cancel', at: 'funded' as const, by: 'employer' as const },
      { act: 'request-approval', at: 'pending_approval' as const, by: 'trainer' as const },
      { act: 'cancel', at: 'pending_approval' as const, by: 'employer' as const },
      { act: 'fund', at: 'cancelled' as const, by: 'employer' as const },
      { act: 'cancel', at: 'cancelled' as const, by: 'employer' as const },
      { act: 'approve', at: 'disputed' as const, by: 'employer' as const },
      { act: 'dispute', at: 'disputed' as const, by: 'employer' as const },
      { act: 'approve', at: 'paid' as const, by: 'employer' as const },
      { act: 'dispute', at: 'paid' as const, by: 'trainer' as const },
    ])('$act on a $at milestone → 409 naming "$at", nothing appended, status unchanged', async ({ act, at, by }) => {
      const parties = await contract(at);
      const { contractId, milestoneId } = parties;
      const before = await historyTypes(contractId);
      await refused(
        () => app.api.request('POST', milestonePath(contractId, milestoneId, act), { as: parties[by], body: act === 'dispute' ? { reason: 'why not' } : {} }),
        409,
        namesStatus(at),
      );
      expect(await historyTypes(contractId)).toEqual(before);
      expect((await view(contractId)).milestones).toEqual([expect.objectContaining({ milestoneId, status: at })]);
    });
  });

  describe('unknown resources (404)', () => {
    const unknownContract = () => `c_${uid()}`;

    it('GET an unknown contract, or its history → 404 naming it', async () => {
      const cid = unknownContract();
      expectError(await app.api.request('GET', `/v1/contracts/${cid}`, { as: supportActor }), 404, cid);
      expectError(await app.api.request('GET', `/v1/contracts/${cid}/events`, { as: supportActor }), 404, cid);
      expectError(await app.api.request('GET', `/v1/contracts/${cid}`, { as: freshEmployer() }), 404, cid);
    });

    it.each([
      { act: 'fund', as: 'employer' as const, body: {} },
      { act: 'approve', as: 'employer' as const, body: {} },
      { act: 'cancel', as: 'employer' as const, body: {} },
      { act: 'request-approval', as: 'trainer' as const, body: {} },
      { act: 'dispute', as: 'trainer' as const, body: { reason: 'x' } },
    ])('$act on an unknown contract → 404, nothing appended, no stream created', async ({ act, as, body }) => {
      const cid = unknownContract();
      const employer = freshEmployer();
      const attached = await app.api.request('POST', `/v1/employers/${employer.id}/payment-method`, { as: employer, body: { paymentMethodId: 'pm_card_visa' } });
      expect(attached.status).toBe(200);
      await refused(() => app.api.request('POST', milestonePath(cid, 'm_1', act), { as: as === 'employer' ? employer : freshTrainer(), body }), 404, cid);
      expect(await app.store.readStream(`contract-${cid}`)).toEqual([]);
    });

    it('adding a milestone to, or archiving, an unknown contract → 404, nothing appended', async () => {
      const cid = unknownContract();
      await refused(() => app.api.request('POST', `/v1/contracts/${cid}/milestones`, { as: freshEmployer(), body: { name: 'Batch 1', amount: '1.00' } }), 404, cid);
      await refused(() => app.api.request('POST', `/v1/contracts/${cid}/archive`, { as: freshEmployer(), body: {} }), 404, cid);
      expect(await app.store.readStream(`contract-${cid}`)).toEqual([]);
    });

    it.each([
      { act: 'fund', as: 'employer' as const, body: {} },
      { act: 'approve', as: 'employer' as const, body: {} },
      { act: 'cancel', as: 'employer' as const, body: {} },
      { act: 'request-approval', as: 'trainer' as const, body: {} },
      { act: 'dispute', as: 'trainer' as const, body: { reason: 'x' } },
    ])('$act on an unknown milestone of a real contract → 404 naming the milestone, nothing appended', async ({ act, as, body }) => {
      const parties = await contract();
      const mid = `m_${uid()}`;
      await refused(() => app.api.request('POST', milestonePath(parties.contractId, mid, act), { as: parties[as], body }), 404, mid);
    });
  });

  describe('billing prerequisites', () => {
    it('funding without a payment method on file → 422 naming the payment method, nothing appended', async () => {
      const { employer, contractId, milestoneId } = await contract('pending', { paymentMethod: null });
      await refused(() => app.api.request('POST', milestonePath(contractId, milestoneId, 'fund'), { as: employer, body: {} }), 422, /payment method/);
      expect(await historyTypes(contractId)).toEqual(['ContractCreated', 'MilestoneCreated']);
      expect((await view(contractId)).milestones[0]).toMatchObject({ status: 'pending' });
    });

    it('attaching an unknown payment method id → 400 naming paymentMethodId, nothing appended; funding then still 422', async () => {
      const { employer, contractId, milestoneId } = await contract('pending', { paymentMethod: null });
      const response = await refused(
        () => app.api.request('POST', `/v1/employers/${employer.id}/payment-method`, { as: employer, body: { paymentMethodId: 'pm_unknown_thing' } }),
        400,
        /(^|; )paymentMethodId: /,
      );
      expect(response.body.message).toContain('pm_unknown_thing');
      expect(await app.store.readStream(`employer-${employer.id}`)).toEqual([]);
      await refused(() => app.api.request('POST', milestonePath(contractId, milestoneId, 'fund'), { as: employer, body: {} }), 422, /payment method/);
    });

    it('after attaching a payment method the same funding is accepted', async () => {
      const { employer, contractId, milestoneId } = await contract('pending', { paymentMethod: null });
      await refused(() => app.api.request('POST', milestonePath(contractId, milestoneId, 'fund'), { as: employer, body: {} }), 422, /payment method/);
      const attached = await app.api.request('POST', `/v1/employers/${employer.id}/payment-method`, { as: employer, body: { paymentMethodId: 'pm_card_mastercard' } });
      expect(attached.status).toBe(200);
      const funding = await app.api.request('POST', milestonePath(contractId, milestoneId, 'fund'), { as: employer, body: {} });
      expect({ status: funding.status, body: funding.body }).toMatchObject({ status: 202, body: { status: 'funding' } });
      await statusBecomes(contractId, milestoneId, 'funded');
    });
  });

  describe('cancel', () => {
    it('cancelling a pending milestone → 200 {status: "cancelled"}, recorded and shown', async () => {
      const { employer, contractId, milestoneId } = await contract();
      const cancelled = await app.api.request('POST', milestonePath(contractId, milestoneId, 'cancel'), { as: employer, body: { reason: 'no longer needed' } });
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toEqual({ status: 'cancelled', position: expect.any(String) });
      const events = await app.store.readStream(`contract-${contractId}`);
      expect(events.map((e) => e.type)).toEqual(['ContractCreated', 'MilestoneCreated', 'MilestoneCancelled']);
      expect(events[2]!.data).toMatchObject({ milestoneId, reason: 'no longer needed' });
      const shown = await app.api.request('GET', `/v1/contracts/${contractId}?minPosition=${cancelled.body.position}`, { as: employer });
      expect(shown.body.milestones).toEqual([expect.objectContaining({ milestoneId, status: 'cancelled' })]);
    });

    it('cancelling a funded milestone → 409 naming "funded"; the money stays in escrow', async () => {
      const { employer, contractId, milestoneId } = await contract('funded');
      await refused(() => app.api.request('POST', milestonePath(contractId, milestoneId, 'cancel'), { as: employer, body: {} }), 409, namesStatus('funded'));
      expect((await view(contractId)).milestones[0]).toMatchObject({ status: 'funded' });
      expect(await historyTypes(contractId)).not.toContain('MilestoneCancelled');
    });
  });

  describe('archive', () => {
    it.each(['pending', 'funded', 'pending_approval', 'disputed'] as const)(
      'is refused while a milestone is %s → 409 naming the milestone and its status, nothing appended',
      async (at) => {
        const parties = await contract(at);
        const response = await refused(() => app.api.request('POST', `/v1/contracts/${parties.contractId}/archive`, { as: parties.employer, body: {} }), 409, namesStatus(at));
        expect(response.body.message).toContain(parties.milestoneId);
        expect((await view(parties.contractId)).status).toBe('active');
      },
    );

    it('is refused while any one milestone is unresolved, naming that one', async () => {
      const parties = await contract('cancelled');
      const added = await app.api.request('POST', `/v1/contracts/${parties.contractId}/milestones`, { as: parties.employer, body: { name: 'Batch 2', amount: '20.00' } });
      expect(added.status).toBe(201);
      const response = await refused(() => app.api.request('POST', `/v1/contracts/${parties.contractId}/archive`, { as: parties.employer, body: {} }), 409, namesStatus('pending'));
      expect(response.body.message).toContain(added.body.milestoneId);
      expect(response.body.message).not.toContain(parties.milestoneId);
    });

    it('is allowed once every milestone is paid or cancelled; afterwards adding a milestone → 409', async () => {
      const parties = await contract('paid');
      const { employer, contractId } = parties;
      const added = await app.api.request('POST', `/v1/contracts/${contractId}/milestones`, { as: employer, body: { name: 'Batch 2', amount: '20.00' } });
      expect(added.status).toBe(201);
      await bring(parties, added.body.milestoneId, 'cancelled');

      const archived = await app.api.request('POST', `/v1/contracts/${contractId}/archive`, { as: employer, body: {} });
      expect(archived.status).toBe(200);
      expect(archived.body).toEqual({ status: 'archived', position: expect.any(String) });
      const shown = await app.api.request('GET', `/v1/contracts/${contractId}?minPosition=${archived.body.position}`, { as: employer });
      expect(shown.body).toMatchObject({ status: 'archived' });
      expect(shown.body.milestones.map((m: { status: string }) => m.status).sort()).toEqual(['cancelled', 'paid']);

      await refused(
        () => app.api.request('POST', `/v1/contracts/${contractId}/milestones`, { as: employer, body: { name: 'Batch 3', amount: '5.00' } }),
        409,
        namesStatus('archived'),
      );
      await refused(() => app.api.request('POST', `/v1/contracts/${contractId}/archive`, { as: employer, body: {} }), 409, namesStatus('archived'));
      expect((await historyTypes(contractId)).filter((t) => t === 'ContractArchived')).toHaveLength(1);
    });

    it('is allowed when the only milestone was cancelled', async () => {
      const { employer, contractId } = await contract('cancelled');
      const archived = await app.api.request('POST', `/v1/contracts/${contractId}/archive`, { as: employer, body: {} });
      expect({ status: archived.status, body: archived.body }).toMatchObject({ status: 200, body: { status: 'archived' } });
    });
  });

  describe('dispute', () => {
    it('the trainer disputes a funded milestone → 200 {status: "disputed"}; archiving is then refused', async () => {
      const { employer, trainer, contractId, milestoneId } = await contract('funded');
      const disputed = await app.api.request('POST', milestonePath(contractId, milestoneId, 'dispute'), { as: trainer, body: { reason: 'scope changed' } });
      expect(disputed.status).toBe(200);
      expect(disputed.body).toEqual({ status: 'disputed', position: expect.any(String) });
      const events = await app.store.readStream(`contract-${contractId}`);
      expect(events[events.length - 1]).toMatchObject({
        type: 'MilestoneDisputed',
        data: { milestoneId, disputedBy: 'trainer', reason: 'scope changed', previousStatus: 'funded' },
      });
      const shown = await app.api.request('GET', `/v1/contracts/${contractId}?minPosition=${disputed.body.position}`, { as: employer });
      expect(shown.body.milestones).toEqual([expect.objectContaining({ milestoneId, status: 'disputed' })]);

      const response = await refused(() => app.api.request('POST', `/v1/contracts/${contractId}/archive`, { as: employer, body: {} }), 409, namesStatus('disputed'));
      expect(response.body.message).toContain(milestoneId);
    });

    it('the employer disputes a milestone waiting for approval → 200 {status: "disputed"}', async () => {
      const { employer, contractId, milestoneId } = await contract('pending_approval');
      const disputed = await app.api.request('POST', milestonePath(contractId, milestoneId, 'dispute'), { as: employer, body: { reason: 'incomplete' } });
      expect({ status: disputed.status, body: disputed.body }).toMatchObject({ status: 200, body: { status: 'disputed' } });
      const events = await app.store.readStream(`contract-${contractId}`);
      expect(events[events.length - 1]!.data).toMatchObject({ disputedBy: 'employer', previousStatus: 'pending_approval' });
    });
  });

  describe('read-your-writes', () => {
    it('GET ?minPosition=<position of a command> already reflects that command', async () => {
      const employer = freshEmployer();
      const hired = await app.api.request('POST', '/v1/contracts', { as: employer, body: validHire(freshTrainer().id) });
      expect(hired.status).toBe(201);
      const created = await app.api.request('GET', `/v1/contracts/${hired.body.contractId}?minPosition=${hired.body.position}`, { as: employer });
      expect(created.status).toBe(200);
      expect(created.body.milestones).toEqual([expect.objectContaining({ milestoneId: hired.body.milestoneId, status: 'pending' })]);

      for (const n of [2, 3, 4]) {
        const added = await app.api.request('POST', `/v1/contracts/${hired.body.contractId}/milestones`, {
          as: employer,
          body: { name: `Batch ${n}`, amount: `${n}0.00`, dueDate: '2027-01-15' },
        });
        expect(added.status).toBe(201);
        // No polling: the one read must already contain the milestone just added.
        const shown = await app.api.request('GET', `/v1/contracts/${hired.body.contractId}?minPosition=${added.body.position}`, { as: employer });
        expect(shown.status).toBe(200);
        expect(shown.body.milestones).toHaveLength(n);
        expect(shown.body.milestones).toContainEqual(
          expect.objectContaining({ milestoneId: added.body.milestoneId, name: `Batch ${n}`, amount: `${n}0.00`, dueDate: '2027-01-15', status: 'pending' }),
        );
        expect(shown.body.position >= added.body.position).toBe(true);
      }
    });

    it.each(['abc', '12', '', '00000000000000000001', '-1', '00000000000000000001-0000000000000000000x'])(
      'a malformed minPosition (%j) → 400 naming minPosition',
      async (minPosition) => {
        const { employer, contractId } = await contract();
        expectError(
          await app.api.request('GET', `/v1/contracts/${contractId}?minPosition=${encodeURIComponent(minPosition)}`, { as: employer }),
          400,
          /^minPosition: /,
        );
      },
    );
  });

  describe('declined charges', () => {
    it('a declined card brings the milestone back to pending with MilestoneFundingFailed and no charge; a good card then funds it', async () => {
      const parties = await contract('pending', { paymentMethod: 'pm_card_chargeDeclined' });
      const { employer, contractId, milestoneId } = parties;

      const funding = await app.api.request('POST', milestonePath(contractId, milestoneId, 'fund'), { as: employer, body: {} });
      expect({ status: funding.status, body: funding.body }).toMatchObject({ status: 202, body: { status: 'funding' } });
      // The view first shows the request, then (after the saga's charge is declined) pending again.
      const requested = await app.api.request('GET', `/v1/contracts/${contractId}?minPosition=${funding.body.position}`, { as: employer });
      expect(['funding', 'pending']).toContain(requested.body.milestones[0].status);
      const failed = await eventually(
        async () => (await app.store.readStream(`contract-${contractId}`)).find((e) => e.type === 'MilestoneFundingFailed'),
        'MilestoneFundingFailed',
      );
      const back = await app.api.request('GET', `/v1/contracts/${contractId}?minPosition=${failed.position}`, { as: employer });
      expect(back.body.milestones).toEqual([expect.objectContaining({ milestoneId, status: 'pending', paymentReference: null })]);
      expect(await historyTypes(contractId, milestoneId)).toEqual(['MilestoneCreated', 'MilestoneFundingRequested', 'MilestoneFundingFailed']);
      expect(failed.data).toMatchObject({ milestoneId, declineCode: 'generic_decline', reason: expect.stringContaining('declined') });
      expect((await gateway.movements()).charges.filter((c) => c.metadata.milestoneId === milestoneId)).toEqual([]);

      const switched = await app.api.request('POST', `/v1/employers/${employer.id}/payment-method`, { as: employer, body: { paymentMethodId: 'pm_card_visa' } });
      expect(switched.status).toBe(200);
      const again = await app.api.request('POST', milestonePath(contractId, milestoneId, 'fund'), { as: employer, body: {} });
      expect({ status: again.status, body: again.body }).toMatchObject({ status: 202, body: { status: 'funding' } });
      const funded = await statusBecomes(contractId, milestoneId, 'funded');
      expect(funded.paymentReference).toMatch(/^pi_/);
      expect(await historyTypes(contractId, milestoneId)).toEqual([
        'MilestoneCreated',
        'MilestoneFundingRequested',
        'MilestoneFundingFailed',
        'MilestoneFundingRequested',
        'MilestoneFunded',
      ]);
      expect((await gateway.movements()).charges.filter((c) => c.metadata.milestoneId === milestoneId).map((c) => c.amountCents)).toEqual([15_000]);
    });
  });
});

describeEachDatabase('API payouts without a payout account', (target) => {
  const app = withApp(target);

  it('approval succeeds, the payout fails and is recorded, and it is paid exactly once after the trainer connects an account', async () => {
    const steps = lifecycle(app.api);
    await steps.setUpBilling('pm_card_visa', false);
    expect(await app.store.readStream(`trainer-${lifecycleTrainer.id}`)).toEqual([]);
    const { contractId, milestoneId } = await steps.hire('150.00');
    await steps.fund(contractId, milestoneId);
    await steps.milestoneReaches(contractId, milestoneId, 'funded');
    await steps.requestApproval(contractId, milestoneId);
    const approved = await steps.approve(contractId, milestoneId);
    expect(approved).toEqual({ status: 'approved', position: expect.any(String) });

    const failure = await eventually(async () => {
      const history = await app.api.request('GET', `/v1/contracts/${contractId}/events`, { as: lifecycleEmployer });
      return history.body.events.find((e: { type: string }) => e.type === 'MilestonePayoutFailed');
    }, 'MilestonePayoutFailed in the contract history');
    expect(failure.data).toMatchObject({ milestoneId, trainerId: lifecycleTrainer.id, retryable: true, attempt: 1, reason: expect.stringContaining('payout account') });
    expect(failure.metadata).toMatchObject({ actor: { role: 'service' } });
    // The view once it has applied the failure (the log's history is read straight from the log).
    const stillApproved = await steps.contract(contractId, lifecycleEmployer, failure.position);
    expect(stillApproved.milestones).toEqual([expect.objectContaining({ milestoneId, status: 'approved' })]);
    const gateway = await SimulatedPaymentGateway.open(app.db);
    expect((await gateway.movements()).transfers.filter((t) => t.metadata.milestoneId === milestoneId)).toEqual([]);

    // Money owed to the trainer is unresolved: the contract cannot be archived yet.
    const archive = await app.api.request('POST', `/v1/contracts/${contractId}/archive`, { as: lifecycleEmployer, body: {} });
    expectError(archive, 409, namesStatus('approved'));

    const connected = await app.api.request('POST', `/v1/trainers/${lifecycleTrainer.id}/payout-account`, { as: lifecycleTrainer, body: {} });
    expect(connected.status).toBe(200);
    const paid = await steps.milestoneReaches(contractId, milestoneId, 'paid', 45_000);
    expect(paid.transferReference).toMatch(/^tr_/);

    const transfers = (await gateway.movements()).transfers.filter((t) => t.metadata.milestoneId === milestoneId);
    expect(transfers).toHaveLength(1);
    expect(transfers[0]).toMatchObject({ amountCents: 15_000, transferId: paid.transferReference });
    const types = (await app.store.readStream(`contract-${contractId}`)).map((e) => e.type);
    expect(types.filter((t) => t === 'MilestonePayoutCompleted')).toHaveLength(1);
    expect(types.indexOf('MilestonePayoutFailed')).toBeLessThan(types.indexOf('MilestonePayoutCompleted'));
    expect(types[types.length - 1]).toBe('MilestonePayoutCompleted');

    // Paid now: archiving is allowed.
    const archived = await app.api.request('POST', `/v1/contracts/${contractId}/archive`, { as: lifecycleEmployer, body: {} });
    expect({ status: archived.status, body: archived.body }).toMatchObject({ status: 200, body: { status: 'archived' } });
  }, 90_000);
});
