import { randomUUID } from 'node:crypto';
import { DomainError, contractStream, usd, type Actor } from '@escrow/domain';
import { PostgresEventStore, WrongExpectedVersion, type EventStore } from '@escrow/event-store';
import type { SqlDb } from '@escrow/sql';
import { describeEachDatabase, withDatabase } from '../../../test/support/databases';
import { CommandHandling, concurrentRetryCountMax, requestScopedId, streamTurnWaitMaxMs, withRequestIdentity } from './command-handling';
import { systemClock } from './ids';

const employer: Actor = { role: 'employer', id: 'emp_1' };
const context = { actor: employer, correlationId: 'corr-1', causationId: 'corr-1' };
const draft = { name: 'Batch', description: null, amount: usd(1_000), dueDate: null };

describeEachDatabase('CommandHandling', (target) => {
  const database = withDatabase(target);
  let db: SqlDb;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = database.db;
    store = await PostgresEventStore.open(db);
    database.onClose(() => store.close());
  });

  async function hire(commands: CommandHandling) {
    const contractId = randomUUID();
    await commands.contract(
      contractId,
      { type: 'HireTrainer', actor: employer, data: { contractId, milestoneId: randomUUID(), trainerId: 'tr_1', projectName: 'P', firstMilestone: draft } },
      context,
    );
    return contractId;
  }

  it('writes metadata on every event: ids, actor, correlation, causation, time, schema version', async () => {
    const commands = new CommandHandling(store, { now: () => new Date('2026-11-23T10:00:00.000Z') });
    const contractId = await hire(commands);
    const [created] = await store.readStream(contractStream(contractId));
    expect(created!.metadata).toEqual({
      eventId: created!.eventId,
      contractId,
      employerId: 'emp_1',
      trainerId: 'tr_1',
      actor: employer,
      correlationId: 'corr-1',
      causationId: 'corr-1',
      occurredAt: '2026-11-23T10:00:00.000Z',
      schemaVersion: 1,
    });
  });

  it('decides again on a concurrent write, so concurrent commands from several processes on one contract all land', async () => {
    // One CommandHandling per process: they share nothing but the store, so their appends race.
    const processes = Array.from({ length: 3 }, () => new CommandHandling(store, systemClock));
    const contractId = await hire(processes[0]!);
    const milestoneIds = Array.from({ length: 15 }, () => randomUUID());
    const outcomes = await Promise.allSettled(
      milestoneIds.map((milestoneId, i) =>
        processes[i % processes.length]!.contract(contractId, { type: 'AddMilestone', actor: employer, data: { contractId, milestoneId, ...draft } }, context),
      ),
    );
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    const created = (await store.readStream(contractStream(contractId))).filter((e) => e.type === 'MilestoneCreated');
    expect(created.map((e) => (e.data as { milestoneId: string }).milestoneId)).toEqual(expect.arrayContaining(milestoneIds));
    expect(created).toHaveLength(16);
  });

  it('re-deciding after a lost race still refuses a real conflict: of two processes approving one milestone, one wins', async () => {
    const [a, b] = [new CommandHandling(store, systemClock), new CommandHandling(store, systemClock)];
    const contractId = randomUUID();
    const milestoneId = randomUUID();
    const ref = { contractId, milestoneId };
    const trainer: Actor = { role: 'trainer', id: 'tr_1' };
    const service: Actor = { role: 'service', id: 'payment-saga' };
    await a.contract(contractId, { type: 'HireTrainer', actor: employer, data: { ...ref, trainerId: 'tr_1', projectName: 'P', firstMilestone: draft } }, context);
    const paymentMethod = { customerId: 'cus_1', paymentMethodId: 'pm_1' };
    await a.contract(contractId, { type: 'RequestFunding', actor: employer, data: { ...ref, paymentMethod } }, context);
    await a.contract(contractId, { type: 'RecordFunded', actor: service, data: { ...ref, paymentIntentId: 'pi_1', chargeId: 'ch_1', amountCents: 1_000 } }, context);
    await a.contract(contractId, { type: 'RequestApproval', actor: trainer, data: { ...ref, note: null } }, context);

    const approvals = await Promise.allSettled([a, b].map((commands) => commands.contract(contractId, { type: 'Approve', actor: employer, data: { ...ref, feeBps: 0 } }, context)));
    expect(approvals.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = approvals.find((o): o is PromiseRejectedResult => o.status === 'rejected')!.reason;
    expect(refused).toBeInstanceOf(DomainError);
    expect(refused).toMatchObject({ kind: 'conflict', message: expect.stringContaining('its status is approved') });
    expect((await store.readStream(contractStream(contractId))).filter((e) => e.type === 'MilestoneApproved')).toHaveLength(1);
  });

  it('lands 30 concurrent commands of one process on one contract: they take turns instead of racing', async () => {
    let conflicts = 0;
    const counting: EventStore = Object.assign(Object.create(store) as EventStore, {
      append: (...args: Parameters<EventStore['append']>) =>
        store.append(...args).catch((error: unknown) => {
          if (error instanceof WrongExpectedVersion) conflicts++;
          throw error;
        }),
    });
    const commands = new CommandHandling(counting, systemClock);
    const contractId = await hire(commands);
    const milestoneIds = Array.from({ length: 30 }, () => randomUUID());
    const outcomes = await Promise.allSettled(
      milestoneIds.map((milestoneId) => commands.contract(contractId, { type: 'AddMilestone', actor: employer, data: { contractId, milestoneId, ...draft } }, context)),
    );
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    expect(conflicts).toBe(0);
    const created = (await store.readStream(contractStream(contractId))).filter((e) => e.type === 'MilestoneCreated');
    expect(created.map((e) => (e.data as { milestoneId: string }).milestoneId)).toEqual(expect.arrayContaining(milestoneIds));
    expect(created).toHaveLength(31);
  });

  it('a refused command does not hold up the ones queued behind it on the stream', async () => {
    const commands = new CommandHandling(store, systemClock);
    const contractId = await hire(commands);
    const trainer: Actor = { role: 'trainer', id: 'tr_1' };
    const add = (actor: Actor) => commands.contract(contractId, { type: 'AddMilestone', actor, data: { contractId, milestoneId: randomUUID(), ...draft } }, context);
    const [refused, accepted] = await Promise.allSettled([add(trainer), add(employer)]);
    expect(refused!.status).toBe('rejected');
    expect(accepted!.status).toBe('fulfilled');
  });

  it(`a stuck command holds its stream's turn for at most ${streamTurnWaitMaxMs} ms`, async () => {
    const commands = new CommandHandling(store, systemClock);
    const contractId = await hire(commands);
    void commands.contract(contractId, () => new Promise<never>(() => undefined), context); // never decides
    const started = Date.now();
    await commands.contract(contractId, { type: 'AddMilestone', actor: employer, data: { contractId, milestoneId: randomUUID(), ...draft } }, context);
    expect(Date.now() - started).toBeGreaterThanOrEqual(streamTurnWaitMaxMs - 50);
  });

  it(`gives up with WrongExpectedVersion after ${concurrentRetryCountMax} attempts, waiting between them`, async () => {
    const commands0 = new CommandHandling(store, systemClock);
    const contractId = await hire(commands0);
    let appends = 0;
    // Another writer always gets there first.
    const racing: EventStore = Object.assign(Object.create(store) as EventStore, {
      append: async (...args: Parameters<EventStore['append']>) => {
        appends++;
        throw new WrongExpectedVersion(args[0], args[2], 99);
      },
    });
    const waits: number[] = [];
    const recordWait = (attempt: number) => {
      waits.push(attempt);
      return 0;
    };
    const commands = new CommandHandling(racing, systemClock, { attemptsMax: concurrentRetryCountMax, delayMs: recordWait });
    await expect(
      commands.contract(contractId, { type: 'AddMilestone', actor: employer, data: { contractId, milestoneId: randomUUID(), ...draft } }, context),
    ).rejects.toBeInstanceOf(WrongExpectedVersion);
    expect(appends).toBe(concurrentRetryCountMax);
    expect(waits).toEqual(Array.from({ length: concurrentRetryCountMax - 1 }, (_, i) => i + 1));
  });

  it('treats a command whose deterministic event id is already in the stream as done', async () => {
    const commands = new CommandHandling(store, systemClock);
    const contractId = await hire(commands);
    const eventIds = [randomUUID()];
    const add = () => commands.contract(contractId, { type: 'AddMilestone', actor: employer, data: { contractId, milestoneId: 'm-fixed', ...draft } }, { ...context, eventIds });
    const first = await add();
    const again = await add();
    expect(again).toMatchObject({ alreadyApplied: true, position: first.position });
    expect((await store.readStream(contractStream(contractId))).filter((e) => e.type === 'MilestoneCreated')).toHaveLength(2);
  });

  describe('inside one idempotent request (withRequestIdentity)', () => {
    const addAs = (commands: CommandHandling, contractId: string, seed: string) =>
      withRequestIdentity(seed, () =>
        commands.contract(contractId, { type: 'AddMilestone', actor: employer, data: { contractId, milestoneId: requestScopedId('milestone'), ...draft } }, context),
      );

    it('running the same request again writes nothing and answers where the first run wrote', async () => {
      const commands = new CommandHandling(store, systemClock);
      const contractId = await hire(commands);
      const seed = `seed-${randomUUID()}`;
      const first = await addAs(commands, contractId, seed);
      const again = await addAs(commands, contractId, seed);
      expect(first.alreadyApplied).toBe(false);
      expect(again).toMatchObject({ alreadyApplied: true, position: first.position, events: [] });
      const created = (await store.readStream(contractStream(contractId))).filter((e) => e.type === 'MilestoneCreated');
      expect(created).toHaveLength(2);
    });

    it('another request (another seed) is new work', async () => {
      const commands = new CommandHandling(store, systemClock);
      const contractId = await hire(commands);
      await addAs(commands, contractId, `seed-${randomUUID()}`);
      const other = await addAs(commands, contractId, `seed-${randomUUID()}`);
      expect(other.alreadyApplied).toBe(false);
      expect((await store.readStream(contractStream(contractId))).filter((e) => e.type === 'MilestoneCreated')).toHaveLength(3);
    });

    it('gives each command of a request its own ids, and request-scoped ids that repeat only within one seed', async () => {
      const commands = new CommandHandling(store, systemClock);
      const contractId = await hire(commands);
      const seed = `seed-${randomUUID()}`;
      const twoCommands = () =>
        withRequestIdentity(seed, async () => {
          for (const name of ['a', 'b']) {
            const milestoneId = requestScopedId(`milestone-${name}`);
            await commands.contract(contractId, { type: 'AddMilestone', actor: employer, data: { contractId, milestoneId, ...draft } }, context);
          }
        });
      await twoCommands();
      await twoCommands();
      expect((await store.readStream(contractStream(contractId))).filter((e) => e.type === 'MilestoneCreated')).toHaveLength(3);
      expect(withRequestIdentity(seed, () => requestScopedId('x'))).toBe(withRequestIdentity(seed, () => requestScopedId('x')));
      expect(withRequestIdentity(seed, () => requestScopedId('x'))).not.toBe(withRequestIdentity(`${seed}-other`, () => requestScopedId('x')));
      expect(requestScopedId('x')).not.toBe(requestScopedId('x'));
    });
  });
});
