import { randomUUID } from 'node:crypto';
import { contractStream, usd, type Actor } from '@escrow/domain';
import { PostgresEventStore, WrongExpectedVersion, type EventStore } from '@escrow/event-store';
import type { SqlDb } from '@escrow/sql';
import { describeEachDatabase } from '../../../test/support/databases';
import { CommandHandling, wrongVersionRetryCountMax } from './command-handling';
import { systemClock } from './ids';

const employer: Actor = { role: 'employer', id: 'emp_1' };
const context = { actor: employer, correlationId: 'corr-1', causationId: 'corr-1' };
const draft = { name: 'Batch', description: null, amount: usd(1_000), dueDate: null };

describeEachDatabase('CommandHandling', (target) => {
  let db: SqlDb;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = await target.open();
    store = await PostgresEventStore.open(db);
  });
  afterAll(async () => {
    await store.close();
    await db.close();
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

  it('decides again on a concurrent write, so concurrent commands on one contract all land', async () => {
    const commands = new CommandHandling(store, systemClock);
    const contractId = await hire(commands);
    const outcomes = await Promise.allSettled(
      Array.from({ length: 3 }, () =>
        commands.contract(contractId, { type: 'AddMilestone', actor: employer, data: { contractId, milestoneId: randomUUID(), ...draft } }, context),
      ),
    );
    // Three writers, three attempts each: in every round one wins, so all three land.
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
    const created = (await store.readStream(contractStream(contractId))).filter((e) => e.type === 'MilestoneCreated');
    expect(created).toHaveLength(4);
  });

  it(`gives up with WrongExpectedVersion after ${wrongVersionRetryCountMax} attempts`, async () => {
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
    const commands = new CommandHandling(racing, systemClock);
    await expect(
      commands.contract(contractId, { type: 'AddMilestone', actor: employer, data: { contractId, milestoneId: randomUUID(), ...draft } }, context),
    ).rejects.toBeInstanceOf(WrongExpectedVersion);
    expect(appends).toBe(wrongVersionRetryCountMax);
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
});
