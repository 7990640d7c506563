import { Money, type Actor } from '@escrow/domain';
import { comparePositions, type EventStore, type RecordedEvent } from '@escrow/event-store';
import { balanceCents, foldBalances, postingsOf } from '@escrow/ledger';
import { EVENT_STORE } from '@escrow/runtime';
import { eventually, withApp } from './support/app';
import { describeEachDatabase } from './support/databases';
import { employer, lifecycle, otherEmployer, otherTrainer, support, trainer } from './support/lifecycle';

const finance: Actor = { role: 'finance', id: 'fin_1' };
const service: Actor = { role: 'service', id: 'svc_1' };

/** The oracle: fold the pure posting rules over the log up to a cut, formatted like the API. */
function replayedAccounts(log: readonly RecordedEvent[], keep: (event: RecordedEvent) => boolean) {
  const balances = foldBalances(postingsOf(log.filter(keep)));
  return [...balances]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([account, totals]) => ({
      account,
      debits: Money.format(totals.debitCents),
      credits: Money.format(totals.creditCents),
      balance: Money.format(balanceCents(totals)),
    }));
}

/** "150.00" → 15000, with integer arithmetic only. */
function centsOf(decimal: string): number {
  const match = /^(\d+)\.(\d{2})$/.exec(decimal);
  if (!match) throw new Error(`not a money string: ${decimal}`);
  return Number(match[1]) * 100 + Number(match[2]);
}

describeEachDatabase('escrow ledger over HTTP', (target) => {
  const app = withApp(target, { env: { PLATFORM_FEE_BPS: '1000' } });
  let store: EventStore;
  /** Contracts: A (paid milestone + one still held), B (split dispute), C (another employer's, held). */
  const ids = { a: '', aHeld: '', b: '', c: '' };
  const escrow = (cid: string) => `escrow:contract:${cid}`;
  const get = (path: string, as: Actor) => app.api.request('GET', path, { as });

  beforeAll(async () => {
    store = app.api.app.get<EventStore>(EVENT_STORE);
    await playLifecycles();
  });

  async function playLifecycles() {
    const steps = lifecycle(app.api);
    await steps.setUpBilling();
    // A: 150.00 approved and paid (fee 15.00); a second milestone of 99.99 funded and held.
    const a = await steps.hire('150.00');
    ids.a = a.contractId;
    await steps.fund(a.contractId, a.milestoneId);
    await steps.milestoneReaches(a.contractId, a.milestoneId, 'funded');
    await steps.requestApproval(a.contractId, a.milestoneId);
    await steps.approve(a.contractId, a.milestoneId);
    const added = await app.api.request('POST', `/v1/contracts/${a.contractId}/milestones`, { as: employer, body: { name: 'Batch 2', amount: '99.99' } });
    expect(added.status).toBe(201);
    ids.aHeld = added.body.milestoneId;
    await steps.fund(a.contractId, ids.aHeld);
    // B: 150.00 disputed, split 60.00 to the trainer (fee 6.00), 90.00 refunded.
    const b = await steps.hire('150.00');
    ids.b = b.contractId;
    await steps.fund(b.contractId, b.milestoneId);
    await steps.milestoneReaches(b.contractId, b.milestoneId, 'funded');
    const disputed = await app.api.request('POST', `/v1/contracts/${b.contractId}/milestones/${b.milestoneId}/dispute`, { as: employer, body: { reason: 'half missing' } });
    expect(disputed.body).toMatchObject({ status: 'disputed' });
    const resolved = await app.api.request('POST', `/v1/contracts/${b.contractId}/milestones/${b.milestoneId}/resolve`, {
      as: support,
      body: { resolution: 'split', trainerAmount: '60.00', note: 'half usable' },
    });
    expect(resolved.status).toBe(200);
    // C: another employer's contract, 50.00 funded and held.
    expect((await app.api.request('POST', `/v1/employers/${otherEmployer.id}/payment-method`, { as: otherEmployer, body: { paymentMethodId: 'pm_card_visa' } })).status).toBe(200);
    const c = await app.api.request('POST', '/v1/contracts', {
      as: otherEmployer,
      body: { projectName: 'Other', trainerId: trainer.id, firstMilestone: { name: 'M', amount: '50.00' } },
    });
    expect(c.status).toBe(201);
    ids.c = c.body.contractId;
    expect((await app.api.request('POST', `/v1/contracts/${ids.c}/milestones/${c.body.milestoneId}/fund`, { as: otherEmployer, body: {} })).status).toBe(202);

    await steps.milestoneReaches(a.contractId, a.milestoneId, 'paid');
    await steps.milestoneReaches(a.contractId, ids.aHeld, 'funded');
    await eventually(async () => {
      const view = await get(`/v1/contracts/${b.contractId}`, support);
      const m = view.body?.milestones?.[0];
      return m?.status === 'paid' && m?.refunded === '90.00' ? m : undefined;
    }, 'the split to be paid and refunded');
    await eventually(async () => {
      const view = await get(`/v1/contracts/${ids.c}`, support);
      return view.body?.milestones?.[0]?.status === 'funded' ? true : undefined;
    }, 'contract C to be funded');
  }

  async function fullLog() {
    return store.readAll({ fromPosition: null, limit: 5_000 });
  }

  it('serves a trial balance that balances, with money as decimal strings', async () => {
    const head = await store.headPosition();
    const trial = await get(`/v1/ledger/trial-balance?asOf=${head}`, finance);
    expect(trial.status).toBe(200);
    const line = (account: string, debits: string, credits: string, balance: string) => ({ account, debits, credits, balance });
    expect(trial.body.accounts).toEqual(
      [
        line(escrow(ids.a), '150.00', '249.99', '-99.99'),
        line(escrow(ids.b), '150.00', '150.00', '0.00'),
        line(escrow(ids.c), '0.00', '50.00', '-50.00'),
        line('platform:fee_revenue', '0.00', '21.00', '-21.00'),
        line('platform:stripe_balance', '449.99', '279.00', '170.99'),
        line(`trainer_payable:${trainer.id}`, '189.00', '189.00', '0.00'),
      ].sort((x, y) => (x.account < y.account ? -1 : 1)),
    );
    expect(trial.body).toMatchObject({ asOf: head, position: head, totalDebits: '938.99', totalCredits: '938.99', balanced: true });

    const now = await eventually(async () => {
      const current = await get('/v1/ledger/trial-balance', support);
      return current.body.position === head ? current : undefined;
    }, 'the current trial balance to reach the head');
    expect(now.body.accounts).toEqual(trial.body.accounts);
    expect(now.body.asOf).toBeNull();
  });

  it('answers as of a position or a time exactly as replaying the log to that point', async () => {
    const log = await fullLog();
    expect(log.length).toBeGreaterThan(20);
    for (const event of log) {
      const byPosition = await get(`/v1/ledger/trial-balance?asOf=${event.position}`, finance);
      expect(byPosition.status).toBe(200);
      expect(byPosition.body.accounts).toEqual(replayedAccounts(log, (e) => comparePositions(e.position, event.position) <= 0));
      expect(byPosition.body.totalDebits).toBe(byPosition.body.totalCredits);
    }
    for (const event of log.filter((_, index) => index % 3 === 0)) {
      const at = String(event.metadata.occurredAt);
      const byTime = await get(`/v1/ledger/balances?asOf=${encodeURIComponent(at)}`, finance);
      expect(byTime.status).toBe(200);
      expect(byTime.body.asOf).toBe(at);
      expect(byTime.body.balances).toEqual(replayedAccounts(log, (e) => Date.parse(String(e.metadata.occurredAt)) <= Date.parse(at)));
    }
    // A zone offset names the same instant.
    const first = String(log[0]!.metadata.occurredAt);
    const shifted = new Date(Date.parse(first)).toISOString().replace('Z', '+00:00');
    expect((await get(`/v1/ledger/balances?asOf=${encodeURIComponent(shifted)}`, finance)).body.asOf).toBe(first);
    const before = await get('/v1/ledger/trial-balance?asOf=2001-01-01T00:00:00Z', finance);
    expect(before.body).toMatchObject({ accounts: [], totalDebits: '0.00', totalCredits: '0.00' });
  });

  it('pages an account with running balances; the name works URL-encoded or not', async () => {
    const raw = await get(`/v1/ledger/accounts/${escrow(ids.a)}`, employer);
    expect(raw.status).toBe(200);
    expect(raw.body.entries.map((e: Record<string, string>) => [e.eventType, e.debit, e.credit, e.balance])).toEqual([
      ['MilestoneFunded', '0.00', '150.00', '-150.00'],
      ['MilestoneApproved', '150.00', '0.00', '0.00'],
      ['MilestoneFunded', '0.00', '99.99', '-99.99'],
    ]);
    expect(raw.body.entries[0].stripeReference).toMatch(/^ch_/);
    expect(raw.body.nextCursor).toBeNull();
    const encoded = await get(`/v1/ledger/accounts/${encodeURIComponent(escrow(ids.a))}`, employer);
    expect(encoded.body).toEqual(raw.body);

    const paged: unknown[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await get(`/v1/ledger/accounts/platform:stripe_balance?${query}`, finance);
      expect(page.status).toBe(200);
      expect(page.body.entries.length).toBeLessThanOrEqual(2);
      paged.push(...page.body.entries);
      cursor = page.body.nextCursor;
    } while (cursor);
    const whole = await get('/v1/ledger/accounts/platform:stripe_balance?limit=1000', finance);
    expect(paged).toEqual(whole.body.entries);
    expect(whole.body.entries.map((e: { balance: string }) => e.balance).at(-1)).toBe('170.99');

    const payouts = whole.body.entries.filter((e: { eventType: string }) => e.eventType === 'MilestonePayoutCompleted');
    expect(payouts.map((e: { stripeReference: string }) => e.stripeReference)).toEqual([expect.stringMatching(/^tr_/), expect.stringMatching(/^tr_/)]);
    const window = await get(`/v1/ledger/accounts/platform:stripe_balance?from=${payouts[0].position}&to=${payouts[1].position}`, finance);
    expect(window.body.entries[0]).toEqual(payouts[0]);
    expect(window.body.entries.at(-1)).toEqual(payouts[1]);
  });

  it('streams every entry as CSV, with a header, decimal money and bounds', async () => {
    const csv = await fetch(`${app.api.baseUrl}/v1/ledger/entries.csv`, { headers: { authorization: `Bearer ${app.api.token('finance', finance.id)}` } });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).split('\r\n').filter((l) => l !== '');
    expect(lines[0]).toBe('position,occurred_at,transaction_id,event_id,event_type,contract_id,milestone_id,stripe_reference,account,debit,credit,account_balance');
    const rows = lines.slice(1).map((l) => l.split(','));
    const postings = postingsOf(await fullLog());
    expect(rows).toHaveLength(postings.reduce((n, t) => n + t.entries.length, 0));
    expect(rows[0]).toEqual([
      postings[0]!.position, postings[0]!.occurredAt, postings[0]!.transactionId, postings[0]!.eventId, 'MilestoneFunded',
      ids.a, postings[0]!.milestoneId, postings[0]!.stripeReference, 'platform:stripe_balance', '150.00', '0.00', '150.00',
    ]);
    const debits = rows.reduce((sum, r) => sum + centsOf(r[9]!), 0);
    const credits = rows.reduce((sum, r) => sum + centsOf(r[10]!), 0);
    expect(debits).toBe(credits);

    const cut = postings[2]!.position;
    const bounded = await fetch(`${app.api.baseUrl}/v1/ledger/entries.csv?to=${cut}`, { headers: { authorization: `Bearer ${app.api.token('support', support.id)}` } });
    const boundedRows = (await bounded.text()).split('\r\n').filter((l) => l !== '').slice(1);
    expect(boundedRows).toEqual(lines.slice(1, 1 + postings.slice(0, 3).reduce((n, t) => n + t.entries.length, 0)));
  });

  it('lets an employer read only its own contracts\' escrow, and a trainer only what it is owed', async () => {
    expect((await get(`/v1/ledger/accounts/${escrow(ids.a)}`, employer)).status).toBe(200);
    expect((await get(`/v1/ledger/accounts/${escrow(ids.c)}`, otherEmployer)).status).toBe(200);
    const others = await get(`/v1/ledger/accounts/${escrow(ids.c)}`, employer);
    expect(others.status).toBe(403);
    expect(others.body).toMatchObject({ statusCode: 403, error: 'Forbidden', message: expect.stringContaining('account') });
    expect((await get(`/v1/ledger/accounts/escrow:contract:no-such-contract`, employer)).status).toBe(403);
    expect((await get('/v1/ledger/accounts/platform:fee_revenue', employer)).status).toBe(403);
    expect((await get(`/v1/ledger/accounts/trainer_payable:${trainer.id}`, employer)).status).toBe(403);
    expect((await get('/v1/ledger/trial-balance', employer)).status).toBe(403);
    expect((await get('/v1/ledger/entries.csv', employer)).status).toBe(403);

    const own = await get('/v1/ledger/balances', employer);
    expect(own.body.balances.map((b: { account: string }) => b.account).sort()).toEqual([escrow(ids.a), escrow(ids.b)].sort());
    const ownAsOf = await get(`/v1/ledger/balances?asOf=${await store.headPosition()}&prefix=platform`, employer);
    expect(ownAsOf.body.balances).toEqual([]);
    expect((await get('/v1/ledger/balances', otherEmployer)).body.balances.map((b: { account: string }) => b.account)).toEqual([escrow(ids.c)]);

    expect((await get(`/v1/ledger/accounts/trainer_payable:${trainer.id}`, trainer)).status).toBe(200);
    expect((await get(`/v1/ledger/accounts/trainer_payable:${trainer.id}`, otherTrainer)).status).toBe(403);
    expect((await get(`/v1/ledger/accounts/${escrow(ids.a)}`, trainer)).status).toBe(403);
    expect((await get('/v1/ledger/balances', trainer)).body.balances).toEqual([
      { account: `trainer_payable:${trainer.id}`, debits: '189.00', credits: '189.00', balance: '0.00' },
    ]);
    expect((await get('/v1/ledger/trial-balance', trainer)).status).toBe(403);
    expect((await get('/v1/ledger/balances', service)).status).toBe(403);
    expect((await app.api.request('GET', '/v1/ledger/balances')).status).toBe(401);

    const prefixed = await get('/v1/ledger/balances?prefix=escrow:', support);
    expect(prefixed.body.balances.map((b: { account: string }) => b.account).sort()).toEqual([escrow(ids.a), escrow(ids.b), escrow(ids.c)].sort());
  });

  it.each([
    ['/v1/ledger/trial-balance?asOf=yesterday', 'asOf'],
    ['/v1/ledger/trial-balance?asOf=2026-02-30T00:00:00Z', 'asOf'],
    ['/v1/ledger/trial-balance?asOf=2026-03-01', 'asOf'],
    ['/v1/ledger/trial-balance?asOf=2026-03-01T10:00:00', 'asOf'],
    ['/v1/ledger/trial-balance?asOf=1', 'asOf'],
    ['/v1/ledger/trial-balance?asOf=a&asOf=b', 'asOf'],
    ['/v1/ledger/trial-balance?at=2026-03-01T10:00:00Z', 'at'],
    ['/v1/ledger/balances?prefix=%25', 'prefix'],
    ['/v1/ledger/accounts/platform:stripe_balance?limit=0', 'limit'],
    ['/v1/ledger/accounts/platform:stripe_balance?limit=1001', 'limit'],
    ['/v1/ledger/accounts/platform:stripe_balance?cursor=bm9wZQ', 'cursor'],
    ['/v1/ledger/accounts/platform:stripe_balance?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z', 'from'],
    ['/v1/ledger/accounts/cash', 'account'],
    ['/v1/ledger/accounts/escrow:contract:a:b', 'account'],
    ['/v1/ledger/entries.csv?from=soon', 'from'],
  ])('refuses %s naming %s', async (path, field) => {
    const refused = await get(path, finance);
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.stringContaining(field) });
  });

  it('says 404 for a well-formed account that has no entries', async () => {
    const missing = await get('/v1/ledger/accounts/escrow:contract:no-such-contract', finance);
    expect(missing.status).toBe(404);
    expect(missing.body.message).toContain('account');
  });
});
