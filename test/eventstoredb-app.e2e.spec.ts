import { comparePositions } from '@escrow/event-store';
import { projections } from '@escrow/projections/registry';
import { SimulatedPaymentGateway } from '@escrow/payments';
import { decodePosition } from '../libs/event-store/src/eventstoredb/position';
import { startEsdbTestServer, type EsdbTestServer, type ReadLogEntry } from './esdb-server';
import { eventually, startApp, type RunningApp } from './support/app';
import { describeEachDatabase, withDatabase } from './support/databases';
import { employer, lifecycle } from './support/lifecycle';

/**
 * The whole app with EVENT_STORE=eventstoredb: events in the EventStoreDB-compatible test server,
 * reached through the adapter and the official client over gRPC; read models, checkpoints and
 * payment effects in the test's own SQL database. The configuration insists on DATABASE_URL for
 * this mode; the app is handed the test's database (InfrastructureModule: `options.db` wins), so
 * the URL below only satisfies the check and is never connected to.
 */
const unusedDatabaseUrl = 'postgres://configuration-check-only.invalid/unused';
const finance = { role: 'finance', id: 'fin_1' } as const;
const service = { role: 'service', id: 'svc_feed' } as const;
const lifecycleTypes = [
  'ContractCreated',
  'MilestoneCreated',
  'MilestoneFundingRequested',
  'MilestoneFunded',
  'MilestoneApprovalRequested',
  'MilestoneApproved',
  'MilestonePayoutCompleted',
];

describeEachDatabase('the app on EventStoreDB (the EventStoreDB-compatible test server), read models in SQL', (target) => {
  let server: EsdbTestServer;
  let api: RunningApp;
  beforeAll(async () => {
    server = await startEsdbTestServer();
  });
  // The read models' database only: the events live in the test server.
  const database = withDatabase(target);
  const start = () =>
    startApp(database.db, { env: { EVENT_STORE: 'eventstoredb', EVENTSTORE_URL: server.url, DATABASE_URL: unusedDatabaseUrl, PLATFORM_FEE_BPS: '1000' } });
  beforeAll(async () => {
    api = await start();
    database.onClose(() => api.close());
  });
  afterAll(async () => {
    await server.close();
  });

  let contractId: string;
  let firstMilestone: string;

  it('runs a milestone to paid over HTTP, every event landing in EventStoreDB and every read model catching up', async () => {
    const steps = lifecycle(api);
    await steps.setUpBilling();
    ({ contractId, milestoneId: firstMilestone } = await steps.hire('150.00'));
    await steps.fund(contractId, firstMilestone);
    await steps.milestoneReaches(contractId, firstMilestone, 'funded');
    await steps.requestApproval(contractId, firstMilestone);
    await steps.approve(contractId, firstMilestone);
    expect(await steps.milestoneReaches(contractId, firstMilestone, 'paid')).toMatchObject({ amount: '150.00', fee: '15.00', net: '135.00' });

    const stored = server.stream(`contract-${contractId}`);
    expect(stored.map((e) => [e.revision, e.type])).toEqual(lifecycleTypes.map((type, revision) => [revision, type]));
    const history = await api.request('GET', `/v1/contracts/${contractId}/events`, { as: employer });
    expect(history.body.events.map((e: { position: string }) => decodePosition(e.position))).toEqual(stored.map((e) => e.position));

    const head = await caughtUpHead();
    const trial = await api.request('GET', '/v1/ledger/trial-balance', { as: finance });
    expect(trial.body).toMatchObject({ position: head, balanced: true, totalDebits: trial.body.totalCredits });
    expect(balanceOf(trial.body, `escrow:contract:${contractId}`)).toBe('0.00');
    expect(balanceOf(trial.body, 'platform:fee_revenue')).toBe('-15.00');
    expect(balanceOf(trial.body, 'platform:stripe_balance')).toBe('15.00');

    const page = await api.request('GET', `/v1/events/page?contractId=${contractId}`, { as: service });
    expect(page.status).toBe(200);
    expect(page.body.events.map((e: { type: string; revision: number }) => [e.revision, e.type])).toEqual(stored.map((e) => [e.revision, e.type]));
    expect(page.body.events.map((e: { position: string }) => decodePosition(e.position))).toEqual(stored.map((e) => e.position));

    // The log holds the node's own events too; none of them went to the app, which asks the
    // server to filter every read and subscription of $all by its stream prefixes.
    expect(server.events().some((e) => e.stream.startsWith('$'))).toBe(true);
    expect(systemEventsSentToApp(server.reads())).toEqual([]);
  });

  it('restarts on the same stores: subscriptions resume from their checkpoints and a second milestone goes through', async () => {
    await api.close();
    // The worker's one reader resumes from the lowest of its read models' and the saga's checkpoints.
    const checkpoints = await Promise.all(['payment-saga', ...projections.map((p) => p.name)].map(storedCheckpoint));
    expect(checkpoints).not.toContain(null);
    const lowest = checkpoints.reduce((a, b) => (comparePositions(a, b) <= 0 ? a : b));
    const readsBefore = server.reads().length;
    api = await start();

    const steps = lifecycle(api);
    const added = await api.request('POST', `/v1/contracts/${contractId}/milestones`, {
      as: employer,
      body: { name: 'Batch 2', description: '300 prompts', amount: '80.00', dueDate: '2026-12-31' },
    });
    expect(added.status).toBe(201);
    const secondMilestone = added.body.milestoneId as string;
    await steps.fund(contractId, secondMilestone);
    await steps.milestoneReaches(contractId, secondMilestone, 'funded');
    await steps.requestApproval(contractId, secondMilestone);
    await steps.approve(contractId, secondMilestone);
    await steps.milestoneReaches(contractId, secondMilestone, 'paid');

    const revisions = server.stream(`contract-${contractId}`).map((e) => e.revision);
    expect(revisions).toEqual(Array.from({ length: lifecycleTypes.length * 2 - 1 }, (_, revision) => revision));

    // No subscription from a position any more (the saga follows the worker's reader; the append
    // feed subscribes from the end): the reader's first read of $all starts where the checkpoints stood.
    const afterRestart = server.reads().slice(readsBefore);
    expect(afterRestart.filter((read) => read.kind === 'subscribe-all' && typeof read.from === 'object')).toEqual([]);
    const firstRead = afterRestart.find((read) => read.kind === 'all' && read.direction === 'forwards');
    expect(firstRead?.from).toEqual(decodePosition(lowest!));
    // No reader of $all went back to the beginning of the log.
    expect(afterRestart.filter((read) => read.target === '$all' && read.from === 'start')).toEqual([]);

    const gateway = await SimulatedPaymentGateway.open(database.db);
    const moved = await gateway.movements();
    const forMilestone = (id: string) => ({
      charges: moved.charges.filter((c) => c.metadata.milestoneId === id).map((c) => c.amountCents),
      transfers: moved.transfers.filter((t) => t.metadata.milestoneId === id).map((t) => t.amountCents),
    });
    expect(forMilestone(firstMilestone)).toEqual({ charges: [15_000], transfers: [13_500] });
    expect(forMilestone(secondMilestone)).toEqual({ charges: [8_000], transfers: [7_200] });

    const head = await caughtUpHead();
    const trial = await api.request('GET', '/v1/ledger/trial-balance', { as: finance });
    expect(trial.body).toMatchObject({ position: head, balanced: true });
    expect(balanceOf(trial.body, 'platform:fee_revenue')).toBe('-23.00');
    expect(balanceOf(trial.body, 'platform:stripe_balance')).toBe('23.00');
    expect(systemEventsSentToApp(server.reads())).toEqual([]);
  });

  /** The head of the app's log, once every projection and the saga have reached it. */
  async function caughtUpHead(): Promise<string> {
    const health = await api.request('GET', '/health');
    expect(health.body).toMatchObject({ eventStore: 'eventstoredb' });
    const head = health.body.headPosition as string;
    await eventually(async () => {
      const { rows } = await database.db.query<{ name: string; position: string | null }>('select name, position from projection_checkpoints');
      const behind = rows.filter((row) => comparePositions(row.position, head) < 0);
      return rows.length > 1 && behind.length === 0 ? true : undefined;
    }, `every checkpoint to reach ${head}`);
    return head;
  }

  async function storedCheckpoint(name: string): Promise<string | null> {
    const { rows } = await database.db.query<{ position: string | null }>('select position from projection_checkpoints where name = $1', [name]);
    return rows[0]?.position ?? null;
  }
});

function balanceOf(trial: { accounts: Array<{ account: string; balance: string }> }, account: string): string | undefined {
  return trial.accounts.find((line) => line.account === account)?.balance;
}

/**
 * Events from system streams the server sent on any read of $all but the adapter's connection
 * probe (one unfiltered event, backwards from the end, when a store connects).
 */
function systemEventsSentToApp(reads: readonly ReadLogEntry[]): string[] {
  const probe = (read: ReadLogEntry) => read.kind === 'all' && read.filter === null && read.direction === 'backwards' && read.from === 'end';
  return reads.filter((read) => read.target === '$all' && !probe(read)).flatMap((read) => read.sentStreams.filter((stream) => stream.startsWith('$')));
}
