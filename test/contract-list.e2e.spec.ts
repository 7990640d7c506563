import type { Actor } from '@escrow/domain';
import { eventually, withApp } from './support/app';
import { describeEachDatabase } from './support/databases';
import { employer, lifecycle, otherEmployer, support, trainer } from './support/lifecycle';
import { openRawStream } from './event-feed/feed-support';

interface ContractPage {
  contracts: { contractId: string; employerId: string; trainerId: string; status: string; updatedAt: string }[];
  next: string | null;
}

describeEachDatabase('contract list and a party following its contract', (target) => {
  const app = withApp(target);
  const hired: string[] = [];

  beforeAll(async () => {
    const steps = lifecycle(app.api);
    await steps.setUpBilling();
    for (let i = 0; i < 5; i++) hired.push((await steps.hire(`${10 + i}.00`)).contractId);
    // The last one is projected before the lists are read.
    await steps.contract(hired[4]!);
  });

  const list = (as: Actor, query = '') => app.api.request<ContractPage & { message?: string }>('GET', `/v1/contracts${query}`, { as });

  it("gives a party its own contracts only, latest activity first, a page at a time", async () => {
    const mine = await list(employer);
    expect(mine.status).toBe(200);
    const ids = mine.body.contracts.map((c) => c.contractId);
    expect(ids.slice(0, 5)).toEqual([...hired].reverse());
    expect(mine.body.contracts.every((c) => c.employerId === employer.id)).toBe(true);
    const times = mine.body.contracts.map((c) => c.updatedAt);
    expect([...times].sort().reverse()).toEqual(times);

    const seen: string[] = [];
    let after: string | null = null;
    do {
      const page: { status: number; body: ContractPage } = await list(employer, `?limit=2${after ? `&after=${after}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.contracts.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.contracts.map((c) => c.contractId));
      after = page.body.next;
    } while (after !== null);
    expect(seen).toEqual(ids);

    expect((await list(trainer)).body.contracts.map((c) => c.contractId)).toEqual(expect.arrayContaining(hired));
    expect((await list(otherEmployer)).body.contracts).toEqual([]);
  });

  it('lets staff filter by party and status, and refuses a party naming another', async () => {
    const byEmployer = await list(support, `?employerId=${employer.id}&status=active`);
    expect(byEmployer.status).toBe(200);
    expect(byEmployer.body.contracts.map((c) => c.contractId)).toEqual(expect.arrayContaining(hired));
    expect((await list(support, '?status=archived')).body.contracts.filter((c) => hired.includes(c.contractId))).toEqual([]);

    const other = await list(employer, `?employerId=${otherEmployer.id}`);
    expect(other.status).toBe(403);
    expect(other.body.message).toMatch(/^employerId: /);
    for (const [query, field] of [
      ['?limit=0', 'limit'],
      ['?limit=201', 'limit'],
      ['?status=open', 'status'],
      ['?after=not-a-cursor!', 'after'],
      [`?after=${Buffer.from('["yesterday","x"]').toString('base64url')}`, 'after'],
      ['?trainerId=has%20space', 'trainerId'],
      ['?sort=asc', 'sort'],
    ] as const) {
      const refused = await list(support, query);
      expect({ query, status: refused.status }).toEqual({ query, status: 400 });
      expect(refused.body.message).toContain(field);
    }
  });

  it('lets a party follow its own contract live, and nobody else’s', async () => {
    const contractId = hired[0]!;
    const token = (actor: Actor) => ({ authorization: `Bearer ${app.api.token(actor.role, actor.id)}` });
    const stream = await openRawStream(app.api.baseUrl, `/v1/events?contractId=${contractId}`, token(employer));
    try {
      expect(stream.response.statusCode).toBe(200);
      const created = await eventually(async () => stream.events().find((e) => e.type === 'ContractCreated'), 'the contract’s first event');
      expect(created.stream).toBe(`contract-${contractId}`);
      const history = await app.api.request('GET', `/v1/contracts/${contractId}/events`, { as: employer });
      await eventually(async () => (stream.events().length === history.body.events.length ? true : undefined), 'every event of the contract');
      expect(stream.events().map((e) => e.position)).toEqual(history.body.events.map((e: { position: string }) => e.position));
    } finally {
      stream.close();
    }

    const everything = await app.api.request('GET', '/v1/events', { as: employer });
    expect(everything.status).toBe(400);
    expect(everything.body.message).toMatch(/^contractId: /);
    const stranger = await app.api.request('GET', `/v1/events?contractId=${contractId}`, { as: otherEmployer });
    expect(stranger.status).toBe(403);
    const unknown = await app.api.request('GET', '/v1/events?contractId=no_such_contract', { as: trainer });
    expect(unknown.status).toBe(404);
    const page = await app.api.request('GET', `/v1/events/page?contractId=${contractId}`, { as: employer });
    expect(page.status).toBe(403);
  });
});
