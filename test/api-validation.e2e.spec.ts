import type { Actor } from '@escrow/domain';
import { type HttpResponse, withApp } from './support/app';
import { describeEachDatabase } from './support/databases';
import { freshEmployer, freshTrainer, type Json, validHire, expectRefusedWithoutWrites } from './support/api-checks';



const validMilestone = (): Json => ({ name: 'Batch 1', description: '500 prompts', amount: '150.00', dueDate: '2026-12-31' });





const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The message names `field` as one of its "<path>: <problem>" parts, not merely some other field containing it. */
const namesField = (field: string) => new RegExp(`(^|; )${escapeRegExp(field)}: \\S`);

function without(body: Json, path: string): Json {
  const copy = structuredClone(body);
  const parts = path.split('.');
  let target: Json = copy;
  for (const part of parts.slice(0, -1)) target = target[part] as Json;
  delete target[parts[parts.length - 1]!];
  return copy;
}

function withValue(body: Json, path: string, value: unknown): Json {
  const copy = structuredClone(body);
  const parts = path.split('.');
  let target: Json = copy;
  for (const part of parts.slice(0, -1)) target = target[part] as Json;
  target[parts[parts.length - 1]!] = value;
  return copy;
}

// ---- the matrix ----

interface BadBody {
  readonly what: string;
  readonly body: (base: Json) => Json | unknown;
  readonly field: string;
  readonly message?: RegExp | string;
}

const badAmounts: ReadonlyArray<{ amount: unknown; why: string }> = [
  { amount: '-1.00', why: 'negative' },
  { amount: '0.00', why: 'zero' },
  { amount: '0', why: 'zero without decimals' },
  { amount: '1.234', why: 'three decimals' },
  { amount: '1e3', why: 'an exponent' },
  { amount: 'abc', why: 'not a number' },
  { amount: '', why: 'empty' },
  { amount: ' 150.00', why: 'padded with a space' },
  { amount: '1,000.00', why: 'with a thousands separator' },
  { amount: 150, why: 'a JSON number instead of a string' },
  { amount: 150.5, why: 'a JSON float' },
  { amount: null, why: 'null' },
  { amount: '1000000.01', why: 'over 1,000,000.00' },
  { amount: '99999999.00', why: 'far over the maximum' },
];

const badHireBodies: BadBody[] = [
  ...badAmounts.map(({ amount, why }) => ({
    what: `amount ${JSON.stringify(amount)} (${why})`,
    body: (b: Json) => withValue(b, 'firstMilestone.amount', amount),
    field: 'firstMilestone.amount',
  })),
  { what: 'missing amount', body: (b) => without(b, 'firstMilestone.amount'), field: 'firstMilestone.amount' },
  { what: 'missing projectName', body: (b) => without(b, 'projectName'), field: 'projectName' },
  { what: 'empty projectName', body: (b) => withValue(b, 'projectName', ''), field: 'projectName' },
  { what: 'whitespace-only projectName', body: (b) => withValue(b, 'projectName', '   '), field: 'projectName' },
  { what: 'projectName of 201 characters', body: (b) => withValue(b, 'projectName', 'p'.repeat(201)), field: 'projectName', message: '200' },
  { what: 'projectName as a number', body: (b) => withValue(b, 'projectName', 42), field: 'projectName' },
  { what: 'missing firstMilestone', body: (b) => without(b, 'firstMilestone'), field: 'firstMilestone' },
  { what: 'firstMilestone null', body: (b) => withValue(b, 'firstMilestone', null), field: 'firstMilestone' },
  { what: 'firstMilestone as a string', body: (b) => withValue(b, 'firstMilestone', 'Batch 1'), field: 'firstMilestone' },
  { what: 'firstMilestone as an array', body: (b) => withValue(b, 'firstMilestone', [validMilestone()]), field: 'firstMilestone' },
  { what: 'missing firstMilestone.name', body: (b) => without(b, 'firstMilestone.name'), field: 'firstMilestone.name' },
  { what: 'empty firstMilestone.name', body: (b) => withValue(b, 'firstMilestone.name', ''), field: 'firstMilestone.name' },
  { what: 'whitespace-only firstMilestone.name', body: (b) => withValue(b, 'firstMilestone.name', '   '), field: 'firstMilestone.name' },
  { what: 'tab/newline-only firstMilestone.name', body: (b) => withValue(b, 'firstMilestone.name', '\t\n '), field: 'firstMilestone.name' },
  { what: 'firstMilestone.name of 201 characters', body: (b) => withValue(b, 'firstMilestone.name', 'n'.repeat(201)), field: 'firstMilestone.name', message: '200' },
  { what: 'description of 2001 characters', body: (b) => withValue(b, 'firstMilestone.description', 'd'.repeat(2001)), field: 'firstMilestone.description', message: '2000' },
  { what: 'description as a number', body: (b) => withValue(b, 'firstMilestone.description', 7), field: 'firstMilestone.description' },
  { what: 'unknown top-level field', body: (b) => ({ ...b, extra: 1 }), field: 'extra', message: 'extra: unknown field' },
  { what: 'unknown top-level field named like a real one in the wrong place', body: (b) => ({ ...b, amount: '1.00' }), field: 'amount', message: 'amount: unknown field' },
  { what: 'unknown nested field', body: (b) => withValue(b, 'firstMilestone.extra', 'x'), field: 'firstMilestone.extra', message: 'firstMilestone.extra: unknown field' },
  ...['2026-02-30', '2026-13-01', '31/12/2026', '2026-12-31T00:00:00Z', '2026-1-5', 'tomorrow', ''].map((dueDate) => ({
    what: `dueDate ${JSON.stringify(dueDate)}`,
    body: (b: Json) => withValue(b, 'firstMilestone.dueDate', dueDate),
    field: 'firstMilestone.dueDate',
  })),
  { what: 'dueDate as a number', body: (b) => withValue(b, 'firstMilestone.dueDate', 20261231), field: 'firstMilestone.dueDate' },
  { what: 'missing trainerId', body: (b) => without(b, 'trainerId'), field: 'trainerId' },
  ...['', 'tr 1', '../tr_1', 'tr/1', 'tr_1;drop', 't'.repeat(65)].map((trainerId) => ({
    what: `trainerId ${JSON.stringify(trainerId.length > 20 ? `${trainerId.slice(0, 8)}…(${trainerId.length})` : trainerId)}`,
    body: (b: Json) => withValue(b, 'trainerId', trainerId),
    field: 'trainerId',
  })),
  { what: 'trainerId as a number', body: (b) => withValue(b, 'trainerId', 17), field: 'trainerId' },
];

const badMilestoneBodies: BadBody[] = [
  ...badAmounts.map(({ amount, why }) => ({
    what: `amount ${JSON.stringify(amount)} (${why})`,
    body: (b: Json) => withValue(b, 'amount', amount),
    field: 'amount',
  })),
  { what: 'missing amount', body: (b) => without(b, 'amount'), field: 'amount' },
  { what: 'missing name', body: (b) => without(b, 'name'), field: 'name' },
  { what: 'whitespace-only name', body: (b) => withValue(b, 'name', '  '), field: 'name' },
  { what: 'name of 201 characters', body: (b) => withValue(b, 'name', 'n'.repeat(201)), field: 'name', message: '200' },
  { what: 'description of 2001 characters', body: (b) => withValue(b, 'description', 'd'.repeat(2001)), field: 'description', message: '2000' },
  { what: 'dueDate "2026-02-30"', body: (b) => withValue(b, 'dueDate', '2026-02-30'), field: 'dueDate' },
  { what: 'dueDate "31/12/2026"', body: (b) => withValue(b, 'dueDate', '31/12/2026'), field: 'dueDate' },
  { what: 'dueDate with a time', body: (b) => withValue(b, 'dueDate', '2026-12-31T00:00:00Z'), field: 'dueDate' },
  { what: 'unknown field', body: (b) => ({ ...b, extra: true }), field: 'extra', message: 'extra: unknown field' },
  { what: 'a hire body instead of a milestone', body: (b) => ({ firstMilestone: b }), field: 'firstMilestone', message: 'firstMilestone: unknown field' },
];

const milestoneCommands: ReadonlyArray<{ action: string; as: 'employer' | 'trainer'; validBody: Json }> = [
  { action: 'fund', as: 'employer', validBody: {} },
  { action: 'request-approval', as: 'trainer', validBody: { note: 'done' } },
  { action: 'approve', as: 'employer', validBody: {} },
  { action: 'dispute', as: 'trainer', validBody: { reason: 'late' } },
  { action: 'cancel', as: 'employer', validBody: { reason: 'not needed' } },
];

describeEachDatabase('API input validation', (target) => {
  const app = withApp(target);

  /** Sends a request that must be refused with `status` and a message matching `message`, and appends nothing. */
  const refused = (call: () => Promise<HttpResponse>, status: number, message: RegExp | string) =>
    expectRefusedWithoutWrites(app.db, app.store, call, status, message);

  async function hire(employer: Actor, trainer: Actor) {
    const hired = await app.api.request('POST', '/v1/contracts', { as: employer, body: validHire(trainer.id) });
    expect(hired.status).toBe(201);
    return hired.body as { contractId: string; milestoneId: string; position: string };
  }

  describe('POST /v1/contracts (hire)', () => {
    it.each(badHireBodies)('refuses $what with 400 naming $field, appending nothing', async ({ body, field, message }) => {
      const employer = freshEmployer();
      const trainer = freshTrainer();
      const response = await refused(
        () => app.api.request('POST', '/v1/contracts', { as: employer, body: body(validHire(trainer.id)) }),
        400,
        namesField(field),
      );
      if (typeof message === 'string') expect(response.body.message).toContain(message);
      else if (message) expect(response.body.message).toMatch(message);
    });

    it.each([
      { what: 'truncated JSON', raw: '{"projectName": "Reward model eval", "firstMilestone": {' },
      { what: 'single quotes', raw: "{'projectName': 'x'}" },
      { what: 'a trailing comma', raw: '{"projectName": "x",}' },
      { what: 'bare words', raw: 'hire me' },
    ])('refuses a malformed JSON body ($what) with 400, appending nothing', async ({ raw }) => {
      await refused(() => app.api.request('POST', '/v1/contracts', { as: freshEmployer(), body: raw }), 400, /^body: not valid JSON/);
    });

    it.each([
      { what: 'a JSON array', raw: '[]', message: /^body: must be a JSON object$/ },
      { what: 'a JSON string', raw: '"hello"', message: /JSON/ },
      { what: 'JSON null', raw: 'null', message: /JSON/ },
    ])('refuses $what as the body with 400, appending nothing', async ({ raw, message }) => {
      await refused(() => app.api.request('POST', '/v1/contracts', { as: freshEmployer(), body: raw }), 400, message);
    });

    it.each([
      { what: 'the smallest amount', amount: '0.01', cents: 1 },
      { what: 'the largest amount', amount: '1000000.00', cents: 100_000_000 },
      { what: 'an amount without decimals', amount: '42', cents: 4_200 },
      { what: 'an amount with one decimal', amount: '42.5', cents: 4_250 },
    ])('accepts $what ($amount) and records it in integer cents', async ({ amount, cents }) => {
      const employer = freshEmployer();
      const hired = await app.api.request('POST', '/v1/contracts', {
        as: employer,
        body: withValue(validHire(freshTrainer().id), 'firstMilestone.amount', amount),
      });
      expect(hired.status).toBe(201);
      const stream = await app.store.readStream(`contract-${hired.body.contractId}`);
      expect(stream.map((e) => e.type)).toEqual(['ContractCreated', 'MilestoneCreated']);
      expect(stream[1]!.data).toMatchObject({ amount: { amountCents: cents, currency: 'USD' } });
    });

    it('accepts strings at the length limits', async () => {
      const employer = freshEmployer();
      let body = withValue(validHire(freshTrainer().id), 'projectName', 'p'.repeat(200));
      body = withValue(withValue(body, 'firstMilestone.name', 'n'.repeat(200)), 'firstMilestone.description', 'd'.repeat(2000));
      const hired = await app.api.request('POST', '/v1/contracts', { as: employer, body });
      expect(hired.status).toBe(201);
      const [created, milestone] = await app.store.readStream(`contract-${hired.body.contractId}`);
      expect(created!.data).toMatchObject({ projectName: 'p'.repeat(200) });
      expect(milestone!.data).toMatchObject({ name: 'n'.repeat(200), description: 'd'.repeat(2000) });
    });

    it('stores names trimmed of surrounding whitespace', async () => {
      const employer = freshEmployer();
      const body = withValue(withValue(validHire(freshTrainer().id), 'projectName', '  Reward model eval '), 'firstMilestone.name', '\tBatch 1 ');
      const hired = await app.api.request('POST', '/v1/contracts', { as: employer, body });
      expect(hired.status).toBe(201);
      const [created, milestone] = await app.store.readStream(`contract-${hired.body.contractId}`);
      expect(created!.data).toMatchObject({ projectName: 'Reward model eval' });
      expect(milestone!.data).toMatchObject({ name: 'Batch 1' });
    });

    it('accepts a milestone without the optional description and dueDate', async () => {
      const employer = freshEmployer();
      const body = without(without(validHire(freshTrainer().id), 'firstMilestone.description'), 'firstMilestone.dueDate');
      const hired = await app.api.request('POST', '/v1/contracts', { as: employer, body });
      expect(hired.status).toBe(201);
      const [, milestone] = await app.store.readStream(`contract-${hired.body.contractId}`);
      expect(milestone!.data).toMatchObject({ description: null, dueDate: null });
    });
  });

  describe('POST /v1/contracts/:cid/milestones (add milestone)', () => {
    it.each(badMilestoneBodies)('refuses $what with 400 naming $field, appending nothing', async ({ body, field, message }) => {
      const employer = freshEmployer();
      const { contractId } = await hire(employer, freshTrainer());
      const response = await refused(
        () => app.api.request('POST', `/v1/contracts/${contractId}/milestones`, { as: employer, body: body(validMilestone()) }),
        400,
        namesField(field),
      );
      if (typeof message === 'string') expect(response.body.message).toContain(message);
      else if (message) expect(response.body.message).toMatch(message);
      const stream = await app.store.readStream(`contract-${contractId}`);
      expect(stream.filter((e) => e.type === 'MilestoneCreated')).toHaveLength(1);
    });

    it('refuses a malformed JSON body with 400, appending nothing', async () => {
      const employer = freshEmployer();
      const { contractId } = await hire(employer, freshTrainer());
      await refused(() => app.api.request('POST', `/v1/contracts/${contractId}/milestones`, { as: employer, body: '{"name": "Batch 2", "amount": ' }), 400, /JSON/);
    });

    it('accepts a valid milestone, so the refusals above are about the input', async () => {
      const employer = freshEmployer();
      const { contractId } = await hire(employer, freshTrainer());
      const added = await app.api.request('POST', `/v1/contracts/${contractId}/milestones`, { as: employer, body: { name: 'Batch 2', amount: '75.50' } });
      expect(added.status).toBe(201);
      expect(added.body).toEqual({ milestoneId: expect.any(String), position: expect.any(String) });
    });
  });

  describe('milestone commands and archive', () => {
    it.each(milestoneCommands)('POST .../$action refuses an unknown body field with 400, appending nothing', async ({ action, as, validBody }) => {
      const employer = freshEmployer();
      const trainer = freshTrainer();
      const { contractId, milestoneId } = await hire(employer, trainer);
      await refused(
        () =>
          app.api.request('POST', `/v1/contracts/${contractId}/milestones/${milestoneId}/${action}`, {
            as: as === 'employer' ? employer : trainer,
            body: { ...validBody, extra: 'x' },
          }),
        400,
        'extra: unknown field',
      );
    });

    it.each(milestoneCommands)('POST .../$action refuses a malformed JSON body with 400, appending nothing', async ({ action, as }) => {
      const employer = freshEmployer();
      const trainer = freshTrainer();
      const { contractId, milestoneId } = await hire(employer, trainer);
      await refused(
        () =>
          app.api.request('POST', `/v1/contracts/${contractId}/milestones/${milestoneId}/${action}`, {
            as: as === 'employer' ? employer : trainer,
            body: '{"extra": ',
          }),
        400,
        /JSON/,
      );
    });

    it('POST .../notes (support) refuses an unknown field, a malformed body and a missing note with 400, appending nothing', async () => {
      const support: Actor = { role: 'support', id: 'sup_validation' };
      const { contractId, milestoneId } = await hire(freshEmployer(), freshTrainer());
      const notes = `/v1/contracts/${contractId}/milestones/${milestoneId}/notes`;
      await refused(() => app.api.request('POST', notes, { as: support, body: { note: 'x', extra: 'x' } }), 400, 'extra: unknown field');
      await refused(() => app.api.request('POST', notes, { as: support, body: '{"note": ' }), 400, /JSON/);
      await refused(() => app.api.request('POST', notes, { as: support, body: {} }), 400, namesField('note'));
      await refused(() => app.api.request('POST', notes, { as: support, body: { note: 42 } }), 400, namesField('note'));
    });

    it('POST .../archive refuses an unknown body field with 400, appending nothing', async () => {
      const employer = freshEmployer();
      const { contractId, milestoneId } = await hire(employer, freshTrainer());
      const cancelled = await app.api.request('POST', `/v1/contracts/${contractId}/milestones/${milestoneId}/cancel`, { as: employer, body: {} });
      expect(cancelled.status).toBe(200);
      await refused(() => app.api.request('POST', `/v1/contracts/${contractId}/archive`, { as: employer, body: { force: true } }), 400, 'force: unknown field');
      expect((await app.api.request('POST', `/v1/contracts/${contractId}/archive`, { as: employer, body: {} })).body).toMatchObject({ status: 'archived' });
    });

    it.each([
      { what: 'a missing reason', body: {}, field: 'reason' },
      { what: 'a blank reason', body: { reason: '   ' }, field: 'reason' },
      { what: 'a reason of 1001 characters', body: { reason: 'r'.repeat(1001) }, field: 'reason' },
      { what: 'a numeric reason', body: { reason: 5 }, field: 'reason' },
    ])('POST .../dispute refuses $what with 400 naming reason', async ({ body, field }) => {
      const employer = freshEmployer();
      const trainer = freshTrainer();
      const { contractId, milestoneId } = await hire(employer, trainer);
      await refused(
        () => app.api.request('POST', `/v1/contracts/${contractId}/milestones/${milestoneId}/dispute`, { as: trainer, body }),
        400,
        namesField(field),
      );
    });

    it('refuses a request-approval note over 1000 characters with 400 naming note', async () => {
      const employer = freshEmployer();
      const trainer = freshTrainer();
      const { contractId, milestoneId } = await hire(employer, trainer);
      await refused(
        () => app.api.request('POST', `/v1/contracts/${contractId}/milestones/${milestoneId}/request-approval`, { as: trainer, body: { note: 'n'.repeat(1001) } }),
        400,
        namesField('note'),
      );
    });
  });

  describe('path ids and billing bodies', () => {
    it.each([
      { what: 'a contract id with a space', path: '/v1/contracts/a%20b', field: 'cid' },
      { what: 'a contract id of 65 characters', path: `/v1/contracts/${'c'.repeat(65)}`, field: 'cid' },
      { what: 'a contract id with a dot', path: '/v1/contracts/a.b/events', field: 'cid' },
    ])('GET refuses $what with 400 naming $field', async ({ path, field }) => {
      await refused(() => app.api.request('GET', path, { as: freshEmployer() }), 400, namesField(field));
    });

    it('a command refuses a malformed milestone id with 400 naming mid, appending nothing', async () => {
      const employer = freshEmployer();
      const { contractId } = await hire(employer, freshTrainer());
      await refused(() => app.api.request('POST', `/v1/contracts/${contractId}/milestones/m%24x/cancel`, { as: employer, body: {} }), 400, namesField('mid'));
    });

    it.each([
      { what: 'a missing paymentMethodId', body: {}, field: 'paymentMethodId' },
      { what: 'a paymentMethodId that is not a pm_ id', body: { paymentMethodId: 'card_4242' }, field: 'paymentMethodId' },
      { what: 'a numeric paymentMethodId', body: { paymentMethodId: 4242 }, field: 'paymentMethodId' },
      { what: 'an unknown field', body: { paymentMethodId: 'pm_card_visa', card: '4242' }, field: 'card' },
    ])('POST /v1/employers/:id/payment-method refuses $what with 400 naming $field', async ({ body, field }) => {
      const employer = freshEmployer();
      await refused(() => app.api.request('POST', `/v1/employers/${employer.id}/payment-method`, { as: employer, body }), 400, namesField(field));
    });

    it.each([
      { what: 'a missing planId', body: {}, field: 'planId' },
      { what: 'a planId with capitals and spaces', body: { planId: 'Agency Basic' }, field: 'planId' },
      { what: 'a numeric planId', body: { planId: 1 }, field: 'planId' },
      { what: 'an unknown field', body: { planId: 'agency_basic', priceCents: 1 }, field: 'priceCents' },
    ])('POST /v1/employers/:id/subscription refuses $what with 400 naming $field', async ({ body, field }) => {
      const employer = freshEmployer();
      await refused(() => app.api.request('POST', `/v1/employers/${employer.id}/subscription`, { as: employer, body }), 400, namesField(field));
    });

    it.each([
      { what: 'a missing accountType', body: {}, field: 'accountType' },
      { what: 'an unknown accountType', body: { accountType: 'reseller' }, field: 'accountType' },
      { what: 'an unknown field', body: { accountType: 'agency', note: 'x' }, field: 'note' },
    ])('POST /v1/employers/:id/account-type refuses $what with 400 naming $field', async ({ body, field }) => {
      await refused(() => app.api.request('POST', `/v1/employers/${freshEmployer().id}/account-type`, { as: { role: 'support', id: 'sup_1' }, body }), 400, namesField(field));
    });

    it('POST /v1/trainers/:id/payout-account refuses an unknown field with 400, appending nothing', async () => {
      const trainer = freshTrainer();
      await refused(
        () => app.api.request('POST', `/v1/trainers/${trainer.id}/payout-account`, { as: trainer, body: { iban: 'DE00' } }),
        400,
        'iban: unknown field',
      );
    });
  });
});
