import type { Actor } from '@escrow/domain';
import { type HttpResponse, type RunningApp, withApp } from './support/app';
import { describeEachDatabase } from './support/databases';
import { expectError, expectRefusedWithoutWrites, freshEmployer, freshTrainer, validHire, type Json } from './support/api-checks';

/**
 * What an attacker or a careless client sends: text PostgreSQL cannot store, bytes that are not
 * UTF-8, documents nested to crash validators, duplicate and prototype keys, repeated or unknown
 * query parameters, positions that overflow the database's integers. Each gets a 4xx that names
 * the field, and nothing is written.
 */
const support: Actor = { role: 'support', id: 'support_1' };
const service: Actor = { role: 'service', id: 'svc_1' };
const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const overflowingPosition = '99999999999999999999-00000000000000000001';
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const names = (field: string, problem = '\\S') => new RegExp(`(^|; )${escapeRegExp(field)}: ${problem}`);

interface Contract {
  readonly employer: Actor;
  readonly trainer: Actor;
  readonly contractId: string;
  readonly milestoneId: string;
  readonly position: string;
}

/** A text field of some command: where it goes, and a valid body around it. */
interface TextField {
  readonly field: string;
  readonly kind: 'single-line' | 'multi-line';
  send(api: RunningApp, c: Contract, value: string): Promise<HttpResponse>;
}

const milestonePath = (c: Contract, action: string) => `/v1/contracts/${c.contractId}/milestones/${c.milestoneId}/${action}`;

const textFields: TextField[] = [
  { field: 'projectName', kind: 'single-line', send: (api, c, v) => api.request('POST', '/v1/contracts', { as: c.employer, body: { ...validHire(c.trainer.id), projectName: v } }) },
  {
    field: 'firstMilestone.name',
    kind: 'single-line',
    send: (api, c, v) => api.request('POST', '/v1/contracts', { as: c.employer, body: { ...validHire(c.trainer.id), firstMilestone: { name: v, amount: '10.00' } } }),
  },
  {
    field: 'firstMilestone.description',
    kind: 'multi-line',
    send: (api, c, v) => api.request('POST', '/v1/contracts', { as: c.employer, body: { ...validHire(c.trainer.id), firstMilestone: { name: 'n', description: v, amount: '10.00' } } }),
  },
  { field: 'name', kind: 'single-line', send: (api, c, v) => api.request('POST', `/v1/contracts/${c.contractId}/milestones`, { as: c.employer, body: { name: v, amount: '10.00' } }) },
  { field: 'description', kind: 'multi-line', send: (api, c, v) => api.request('POST', `/v1/contracts/${c.contractId}/milestones`, { as: c.employer, body: { name: 'n', description: v, amount: '10.00' } }) },
  { field: 'note', kind: 'multi-line', send: (api, c, v) => api.request('POST', milestonePath(c, 'request-approval'), { as: c.trainer, body: { note: v } }) },
  { field: 'reason', kind: 'multi-line', send: (api, c, v) => api.request('POST', milestonePath(c, 'dispute'), { as: c.trainer, body: { reason: v } }) },
  { field: 'note', kind: 'multi-line', send: (api, c, v) => api.request('POST', milestonePath(c, 'resolve'), { as: support, body: { resolution: 'refund', note: v } }) },
  { field: 'reason', kind: 'multi-line', send: (api, c, v) => api.request('POST', milestonePath(c, 'cancel'), { as: c.employer, body: { reason: v } }) },
  // Validated before the decider: the milestone need not be disputed for the text to be refused.
  { field: 'note', kind: 'multi-line', send: (api, c, v) => api.request('POST', milestonePath(c, 'notes'), { as: support, body: { note: v } }) },
];

const invalidAnywhere = [
  { what: 'a NUL character', value: 'ab\u0000cd', problem: 'must not contain NUL' },
  { what: 'an unpaired high surrogate', value: 'ab\ud800cd', problem: 'must be valid Unicode text' },
  { what: 'an unpaired low surrogate', value: '\udc00abcd', problem: 'must be valid Unicode text' },
  { what: 'a surrogate pair in the wrong order', value: 'ab\udc00\ud800', problem: 'must be valid Unicode text' },
];

const invalidInNames = [
  { what: 'a right-to-left override (U+202E)', value: 'invoice\u202Etxt.exe' },
  { what: 'a left-to-right isolate (U+2066)', value: 'a\u2066b' },
  { what: 'a bell character', value: 'a\u0007b' },
  { what: 'a line break inside', value: 'Batch\n1' },
  { what: 'a C1 control (U+0085)', value: 'a\u0085b' },
];

describeEachDatabase('API hostile input', (target) => {
  const app = withApp(target);

  const refused = (call: () => Promise<HttpResponse>, status: number, message: RegExp | string) => expectRefusedWithoutWrites(app.db, app.store, call, status, message);

  async function contract(): Promise<Contract> {
    const employer = freshEmployer();
    const trainer = freshTrainer();
    const hired = await app.api.request('POST', '/v1/contracts', { as: employer, body: validHire(trainer.id) });
    expect(hired.status).toBe(201);
    return { employer, trainer, ...(hired.body as { contractId: string; milestoneId: string; position: string }) };
  }

  /** Bytes exactly as given: fetch would otherwise encode the string as valid UTF-8. */
  function postBytes(path: string, as: Actor, bytes: Buffer | string, contentType = 'application/json'): Promise<HttpResponse> {
    return fetch(`${app.api.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': contentType, authorization: `Bearer ${app.api.token(as.role, as.id)}` },
      body: bytes,
    }).then(async (r) => ({ status: r.status, body: await r.json(), headers: r.headers }));
  }

  describe('text rules', () => {
    const anyTextCases = textFields.flatMap((f) => invalidAnywhere.map((bad) => ({ ...f, ...bad, label: `${f.field} (${f.kind})` })));

    it.each(anyTextCases)('refuses $what in $label with 400 naming it, appending nothing', async ({ send, field, value, problem }) => {
      const c = await contract();
      await refused(() => send(app.api, c, value), 400, names(field, escapeRegExp(problem)));
    });

    const nameCases = textFields.filter((f) => f.kind === 'single-line').flatMap((f) => invalidInNames.map((bad) => ({ ...f, ...bad })));

    it.each(nameCases)('refuses $what in the name $field with 400 naming it', async ({ send, field, value }) => {
      const c = await contract();
      await refused(() => send(app.api, c, value), 400, names(field));
    });

    it.each(textFields.filter((f) => f.kind === 'multi-line'))('refuses a bell character in the multi-line $field', async ({ send, field }) => {
      const c = await contract();
      await refused(() => send(app.api, c, 'ring\u0007ring'), 400, names(field, 'must not contain control characters'));
    });

    it('keeps line breaks, tabs, accents, CJK, emoji and right-to-left text where they belong', async () => {
      const c = await contract();
      const name = 'Batch 🚀 Zoë 東京 שלום';
      const description = 'line one\r\nline two\n\tindented — \u202Bمرحبا\u202C';
      const added = await app.api.request('POST', `/v1/contracts/${c.contractId}/milestones`, { as: c.employer, body: { name, description, amount: '10.00' } });
      expect(added.status).toBe(201);
      const created = (await app.store.readStream(`contract-${c.contractId}`)).find((e) => (e.data as Json).milestoneId === added.body.milestoneId);
      expect(created?.data).toMatchObject({ name, description });
    });
  });

  describe('bodies', () => {
    it('refuses bytes that are not UTF-8 with 400 instead of storing U+FFFD', async () => {
      const c = await contract();
      const bytes = Buffer.concat([Buffer.from('{"name":"Batch '), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('","amount":"10.00"}')]);
      await refused(() => postBytes(`/v1/contracts/${c.contractId}/milestones`, c.employer, bytes), 400, /^body: not valid UTF-8$/);
    });

    it('refuses an overlong UTF-8 encoding of "/" (a classic filter bypass)', async () => {
      const c = await contract();
      const bytes = Buffer.concat([Buffer.from('{"name":"a'), Buffer.from([0xc0, 0xaf]), Buffer.from('b","amount":"10.00"}')]);
      await refused(() => postBytes(`/v1/contracts/${c.contractId}/milestones`, c.employer, bytes), 400, /^body: not valid UTF-8$/);
    });

    it.each([1_500, 10_000, 40_000])('refuses %i levels of nesting with 400 before parsing', async (depth) => {
      const c = await contract();
      const body = `{"name":"n","amount":"10.00","extra":${nested(depth)}}`;
      await refused(() => postBytes(`/v1/contracts/${c.contractId}/milestones`, c.employer, body), 400, /^extra(\[0\])*: nested more than 32 levels deep$/);
    });

    it('refuses a body that is itself nested too deep', async () => {
      await refused(() => postBytes('/v1/contracts', freshEmployer(), nested(40)), 400, /^body(\[0\])*: nested more than 32 levels deep$/);
    });

    it.each([
      { what: 'at the top', body: (t: string) => `{"projectName":"a","projectName":"b","trainerId":"${t}","firstMilestone":{"name":"n","amount":"1.00"}}`, field: 'projectName' },
      { what: 'nested', body: (t: string) => `{"projectName":"a","trainerId":"${t}","firstMilestone":{"name":"n","amount":"1.00","amount":"999.00"}}`, field: 'firstMilestone.amount' },
      { what: 'spelled with an escape', body: (t: string) => `{"projectName":"a","proj\\u0065ctName":"b","trainerId":"${t}","firstMilestone":{"name":"n","amount":"1.00"}}`, field: 'projectName' },
    ])('refuses a key given twice ($what) instead of taking the last', async ({ body, field }) => {
      await refused(() => postBytes('/v1/contracts', freshEmployer(), body(freshTrainer().id)), 400, `${field}: given twice`);
    });

    it.each([
      { key: '__proto__', path: '__proto__' },
      { key: 'constructor', path: 'constructor' },
      { key: 'prototype', path: 'prototype' },
    ])('refuses a $key key like any unknown field, at the top and nested', async ({ key, path }) => {
      const trainerId = freshTrainer().id;
      const top = `{"${key}":{"isAdmin":true},"projectName":"a","trainerId":"${trainerId}","firstMilestone":{"name":"n","amount":"1.00"}}`;
      await refused(() => postBytes('/v1/contracts', freshEmployer(), top), 400, `${path}: unknown field`);
      const inner = `{"projectName":"a","trainerId":"${trainerId}","firstMilestone":{"name":"n","amount":"1.00","${key}":{"amount":"0.01"}}}`;
      await refused(() => postBytes('/v1/contracts', freshEmployer(), inner), 400, `firstMilestone.${path}: unknown field`);
      expect(({} as Json).isAdmin).toBeUndefined();
    });

    it('refuses a body that is not JSON by its content type with 415', async () => {
      const c = await contract();
      await refused(() => postBytes(`/v1/contracts/${c.contractId}/milestones`, c.employer, '{"name":"n","amount":"1.00"}', 'text/plain'), 415, /^content-type: must be application\/json/);
      await refused(() => postBytes(`/v1/contracts/${c.contractId}/milestones`, c.employer, 'name=n&amount=1.00', 'application/x-www-form-urlencoded'), 415, /^content-type/);
    });

    it('accepts a command with no body at all when it needs no input', async () => {
      const c = await contract();
      const response = await fetch(`${app.api.baseUrl}${milestonePath(c, 'cancel')}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${app.api.token(c.employer.role, c.employer.id)}` },
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ status: 'cancelled' });
    });

    it('answers a command with no body that needs input with the fields it needs', async () => {
      const response = await refused(() => postBytes('/v1/contracts', freshEmployer(), ''), 400, names('projectName', 'is required'));
      expect(response.body.message).toMatch(names('trainerId', 'is required'));
      expect(response.body.message).toMatch(names('firstMilestone', 'is required'));
    });
  });

  describe('error messages name the real problem', () => {
    it.each([
      { what: 'absent', value: undefined, message: 'projectName: is required' },
      { what: 'null', value: null, message: 'projectName: is required (null given)' },
      { what: 'a number', value: 5, message: 'projectName: must be a string' },
      { what: 'an array', value: [], message: 'projectName: must be a string' },
      { what: 'an object', value: { text: 'x' }, message: 'projectName: must be a string' },
      { what: 'too long', value: 'p'.repeat(201), message: 'projectName: must be shorter than or equal to 200 characters' },
    ])('projectName $what → "$message"', async ({ value, message }) => {
      const body = { ...validHire(freshTrainer().id), projectName: value };
      const response = await refused(() => app.api.request('POST', '/v1/contracts', { as: freshEmployer(), body }), 400, message);
      expect(response.body.message).toBe(message);
    });

    it('says which nested field is missing', async () => {
      const body = { ...validHire(freshTrainer().id), firstMilestone: { name: 'n' } };
      const response = await refused(() => app.api.request('POST', '/v1/contracts', { as: freshEmployer(), body }), 400, 'firstMilestone.amount: is required');
      expect(response.body.message).toBe('firstMilestone.amount: is required');
    });
  });

  describe('query parameters', () => {
    const finance: Actor = { role: 'finance', id: 'fin_1' };

    it.each([
      { path: '/v1/ledger/balances?prefix=escrow&prefix=platform', as: finance, message: 'prefix: given 2 times; give it once' },
      { path: '/v1/invoices?contractId=a&contractId=b', as: finance, message: 'contractId: given 2 times; give it once' },
      { path: '/v1/notifications?limit=1&limit=2', as: freshTrainer(), message: 'limit: given 2 times; give it once' },
      { path: '/v1/audit/verify?to=a&to=b', as: finance, message: 'to: given 2 times; give it once' },
    ])('refuses a repeated parameter by name: $path', async ({ path, as, message }) => {
      const response = await app.api.request('GET', path, { as });
      expectError(response, 400, message);
      expect(response.body.message).toBe(message);
    });

    it.each([
      { path: '/v1/ledger/balances?prefix=escrow%00', field: 'prefix' },
      { path: '/v1/ledger/accounts/escrow:x?cursor=%00', field: 'cursor' },
      { path: '/v1/invoices?after=%00', field: 'after' },
      { path: '/v1/notifications?cursor=%00', field: 'cursor' },
      { path: '/v1/audit/verify?from=%00', field: 'from' },
    ])('refuses a NUL in a query value naming the parameter: $path', async ({ path, field }) => {
      expectError(await app.api.request('GET', path, { as: finance }), 400, names(field, 'must not contain NUL'));
    });

    it('refuses unknown parameters on every route, the notifications too', async () => {
      const c = await contract();
      const cases = [
        { path: '/v1/notifications?bogus=1', as: c.trainer },
        { path: '/v1/notifications?unread=true&Limit=5', as: c.trainer, name: 'Limit' },
        { path: `/v1/contracts/${c.contractId}?bogus=1`, as: c.employer },
        { path: `/v1/contracts/${c.contractId}/events?bogus=1`, as: c.employer },
        { path: `/v1/contracts/${c.contractId}/payments?bogus=1`, as: c.employer },
        { path: `/v1/contracts/${c.contractId}/replay?bogus=1`, as: c.employer },
        { path: `/v1/contracts/${c.contractId}?asOf=2026-03-01T00:00:00Z&bogus=1`, as: c.employer },
        { path: '/v1/disputes?bogus=1', as: support },
        { path: '/v1/admin/payments/stuck?bogus=1', as: support },
        { path: '/v1/audit/verify?bogus=1', as: finance },
        { path: '/v1/audit/anchor?bogus=1', as: finance },
        { path: `/v1/employers/${c.employer.id}/subscription?bogus=1`, as: c.employer },
        { path: `/v1/employers/${c.employer.id}/subscription?bogus=1`, as: finance },
      ];
      for (const { path, as, name = 'bogus' } of cases) {
        const response = await app.api.request('GET', path, { as });
        expectError(response, 400, `${name}: unknown query parameter`);
      }
      const command = await app.api.request('POST', `/v1/contracts/${c.contractId}/milestones?dryRun=true`, { as: c.employer, body: { name: 'n', amount: '1.00' } });
      expectError(command, 400, 'dryRun: unknown query parameter');
      const subscribe = await app.api.request('POST', `/v1/employers/${c.employer.id}/subscription?plan=agency_basic`, { as: c.employer, body: { planId: 'agency_basic' } });
      expectError(subscribe, 400, 'plan: unknown query parameter');
      const cancel = await app.api.request('DELETE', `/v1/employers/${c.employer.id}/subscription?force=true`, { as: c.employer });
      expectError(cancel, 400, 'force: unknown query parameter');
    });

    it('still takes the parameters a route declares', async () => {
      const c = await contract();
      expect((await app.api.request('GET', '/v1/notifications?unread=true&limit=5', { as: c.trainer })).status).toBe(200);
      expect((await app.api.request('GET', `/v1/contracts/${c.contractId}?minPosition=${c.position}`, { as: c.employer })).status).toBe(200);
    });
  });

  describe('?minPosition=', () => {
    it.each(['', '/payments'])('checks access before waiting: a stranger gets 403, not a wait and a 503 (GET /v1/contracts/:cid%s)', async (suffix) => {
      const c = await contract();
      const stranger = freshEmployer();
      const response = await app.api.request('GET', `/v1/contracts/${c.contractId}${suffix}?minPosition=${c.position}`, { as: stranger });
      expectError(response, 403, /only the contract/);
    });

    it.each(['', '/payments'])('refuses a position beyond the end of the log with 400 (GET /v1/contracts/:cid%s)', async (suffix) => {
      const c = await contract();
      const [transaction, sequence] = c.position.split('-') as [string, string];
      const beyond = `${String(BigInt(transaction) + 1_000_000n).padStart(20, '0')}-${sequence}`;
      const response = await app.api.request('GET', `/v1/contracts/${c.contractId}${suffix}?minPosition=${beyond}`, { as: c.employer });
      expectError(response, 400, /^minPosition: beyond the end of the log/);
    });

    it.each(['', '/payments'])('refuses a position whose parts overflow 64-bit integers with 400 (GET /v1/contracts/:cid%s)', async (suffix) => {
      const c = await contract();
      const response = await app.api.request('GET', `/v1/contracts/${c.contractId}${suffix}?minPosition=${overflowingPosition}`, { as: c.employer });
      expectError(response, 400, /^minPosition: not a position/);
    });
  });

  describe('feed positions', () => {
    it.each([
      { what: 'from= on the stream', path: `/v1/events?from=${overflowingPosition}`, headers: {} as Record<string, string>, field: 'from' },
      { what: 'from= on a page', path: `/v1/events/page?from=${overflowingPosition}`, headers: {}, field: 'from' },
      { what: 'Last-Event-ID', path: '/v1/events', headers: { 'last-event-id': overflowingPosition }, field: 'Last-Event-ID' },
      { what: 'a sequence just past bigint', path: '/v1/events/page?from=00000000000000000001-09223372036854775808', headers: {}, field: 'from' },
    ])('refuses a position whose parts overflow ($what) with 400 before any stream opens', async ({ path, headers, field }) => {
      const response = await fetch(`${app.api.baseUrl}${path}`, { headers: { authorization: `Bearer ${app.api.token(service.role, service.id)}`, ...headers } });
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      const body = (await response.json()) as Json;
      expect({ status: response.status, message: body.message }).toEqual({ status: 400, message: expect.stringMatching(names(field)) });
    });

    it('takes the largest position that fits', async () => {
      const response = await app.api.request('GET', '/v1/events/page?from=09223372036854775807-09223372036854775807', { as: service });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ events: [], hasMore: false });
    });
  });
});
