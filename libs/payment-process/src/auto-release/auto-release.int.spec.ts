import { randomUUID } from 'node:crypto';
import { Money, contractStream, dayMs, usd, type Actor, type ContractCommand } from '@escrow/domain';
import { UpcastingEventStore } from '@escrow/event-schemas';
import { PostgresEventStore, comparePositions, type EventStore, type RecordedEvent } from '@escrow/event-store';
import { CommandHandling, type Clock } from '@escrow/runtime';
import type { SqlDb } from '@escrow/sql';
import { describeEachDatabase, withDatabase } from '../../../../test/support/databases';
import { refuseAppendsTo } from '../../../../test/support/refused-appends';
import { PaymentProcessAdmin } from '../payment-process-admin';
import { AutoReleaser, autoReleaseActor, type AutoReleaseTiming } from './auto-releaser';
import { jobKeyOf, stepEventId, type AutoReleaseJob } from './auto-release-store';

const employer: Actor = { role: 'employer', id: 'emp_auto' };
const trainer: Actor = { role: 'trainer', id: 'tr_auto' };
const saga: Actor = { role: 'service', id: 'payment-saga' };
const feeBps = 1_000;
const amountCents = 15_000;
const leaseMs = 300;
const timing: AutoReleaseTiming = { pollMs: 25, leaseMs, batchMax: 10, retryBaseMs: 10, attemptsMax: 3 };

/** A clock the test moves: days pass in no time. */
class TestClock implements Clock {
  private at: number;
  constructor(start: string) {
    this.at = Date.parse(start);
  }
  now(): Date {
    return new Date(this.at);
  }
  set(iso: string): void {
    this.at = Date.parse(iso);
  }
}

describeEachDatabase('auto-release: scheduler and executor on an injected clock', (target) => {
  const database = withDatabase(target);
  let db: SqlDb;
  let store: EventStore;
  const releasers: AutoReleaser[] = [];

  beforeAll(async () => {
    db = database.db;
    store = new UpcastingEventStore(await PostgresEventStore.open(db));
    database.onClose(async () => {
      for (const releaser of releasers.splice(0)) await releaser.stop();
      await store.close();
    });
  });

  /** One test's world: its clock (starting at `start`), its command handling, its workers. */
  function world(start: string) {
    const clock = new TestClock(start);
    const commands = new CommandHandling(store, clock);
    const days = (n: number, extraMs = 0) => new Date(Date.parse(start) + n * dayMs + extraMs).toISOString();
    const worker = (autoReleaseDays = 14, workerTiming = timing) => {
      const releaser = new AutoReleaser(store, db, commands, clock, { autoReleaseDays, platformFeeBps: feeBps }, workerTiming);
      releasers.push(releaser);
      return releaser;
    };
    const run = (contractId: string, command: ContractCommand, actor: Actor) =>
      commands.contract(contractId, command, { actor, correlationId: `corr-${contractId}`, causationId: `corr-${contractId}` });

    /** A milestone funded and delivered: the trainer asks for approval at the clock's now. */
    async function pendingApproval() {
      const contractId = randomUUID();
      const milestoneId = randomUUID();
      const ref = { contractId, milestoneId };
      const draft = { name: 'Batch', description: null, amount: usd(amountCents), dueDate: null };
      await run(contractId, { type: 'HireTrainer', actor: employer, data: { ...ref, trainerId: trainer.id, projectName: 'Eval', firstMilestone: draft } }, employer);
      await run(contractId, { type: 'RequestFunding', actor: employer, data: { ...ref, paymentMethod: { customerId: 'cus_1', paymentMethodId: 'pm_1' } } }, employer);
      await run(contractId, { type: 'RecordFunded', actor: saga, data: { ...ref, paymentIntentId: `pi_${milestoneId}`, chargeId: `ch_${milestoneId}`, amountCents } }, saga);
      const requested = await run(contractId, { type: 'RequestApproval', actor: trainer, data: { ...ref, note: null } }, trainer);
      const [request] = (await events(contractId)).filter((e) => e.type === 'MilestoneApprovalRequested');
      expect(requested.position).toBe(request!.position);
      return { ...ref, requestEventId: request!.eventId };
    }

    return { clock, commands, days, worker, run, pendingApproval };
  }

  /** Failures a started worker reports (the worker host would restart it): none expected. */
  const failures: unknown[] = [];
  const failed = (error: unknown) => failures.push(error);
  afterEach(() => {
    expect(failures.splice(0)).toEqual([]);
  });

  const events = (contractId: string): Promise<RecordedEvent[]> => store.readStream(contractStream(contractId));
  const ofType = async (contractId: string, type: string) => (await events(contractId)).filter((e) => e.type === type);

  /**
   * Schedules the log up to the contract's last event (on PostgreSQL, a transaction still open
   * elsewhere may hide it from log readers for a moment), then rounds until nothing due is left
   * (other tests' steps share the table).
   */
  async function drain(releaser: AutoReleaser, contractId: string): Promise<void> {
    await scheduled(releaser, contractId);
    while (await releaser.round()) {
      // more may be due
    }
  }

  async function scheduled(releaser: AutoReleaser, contractId: string): Promise<void> {
    const last = (await events(contractId)).at(-1)!.position;
    await eventually(async () => {
      await releaser.catchUpSchedule();
      return comparePositions(releaser.scheduledUpTo, last) >= 0;
    });
  }

  /** Claims due steps until `key` is among them (the others stay leased to this worker). */
  async function claimStep(releaser: AutoReleaser, key: string): Promise<AutoReleaseJob> {
    let found: AutoReleaseJob | undefined;
    await eventually(async () => {
      found = (await releaser.claimDue()).find((job) => job.key === key);
      return found !== undefined;
    });
    return found!;
  }

  async function statuses(releaser: AutoReleaser, contractId: string, milestoneId: string) {
    return Object.fromEntries((await releaser.store.forMilestone(contractId, milestoneId)).map((job) => [job.daysBefore, job.status]));
  }

  it('reminds the employer 7 and 1 days before, then approves after 14 days as the service, with the normal fee, each exactly once', async () => {
    const w = world('2027-01-04T09:00:00.000Z');
    const { contractId, milestoneId, requestEventId } = await w.pendingApproval();
    const releaser = w.worker();
    await releaser.prepare();
    await scheduled(releaser, contractId);
    const jobs = await releaser.store.forMilestone(contractId, milestoneId);
    expect(jobs.map((job) => [job.daysBefore, job.dueAt, job.status])).toEqual([
      [7, w.days(7), 'pending'],
      [1, w.days(13), 'pending'],
      [0, w.days(14), 'pending'],
    ]);

    w.clock.set(w.days(7, -1));
    await drain(releaser, contractId);
    expect(await ofType(contractId, 'MilestoneAutoReleaseReminderSent')).toEqual([]);

    w.clock.set(w.days(7));
    await drain(releaser, contractId);
    w.clock.set(w.days(13, 5_000));
    await drain(releaser, contractId);
    await drain(releaser, contractId);
    const reminders = await ofType(contractId, 'MilestoneAutoReleaseReminderSent');
    expect(reminders.map((e) => [e.eventId, (e.data as { daysBefore: number }).daysBefore, e.metadata.occurredAt])).toEqual([
      [stepEventId(jobKeyOf(requestEventId, 7)), 7, w.days(7)],
      [stepEventId(jobKeyOf(requestEventId, 1)), 1, w.days(13, 5_000)],
    ]);
    expect(reminders[0]!.data).toMatchObject({ employerId: employer.id, releaseAt: w.days(14) });

    w.clock.set(w.days(14, -1));
    await drain(releaser, contractId);
    expect(await ofType(contractId, 'MilestoneApproved')).toEqual([]);

    w.clock.set(w.days(14));
    await drain(releaser, contractId);
    await drain(releaser, contractId);
    const approvals = await ofType(contractId, 'MilestoneApproved');
    const { feeCents, netCents } = Money.feeOf(amountCents, feeBps);
    expect(approvals).toHaveLength(1);
    expect(approvals[0]!.data).toEqual({
      contractId, milestoneId, trainerId: trainer.id, amount: usd(amountCents), fee: usd(feeCents), net: usd(netCents), feeBps, chargeId: `ch_${milestoneId}`, reason: 'auto_release',
    });
    expect(approvals[0]!.metadata).toMatchObject({ actor: autoReleaseActor, occurredAt: w.days(14), causationId: requestEventId, correlationId: `corr-${contractId}`, schemaVersion: 2 });
    expect(approvals[0]!.eventId).toBe(stepEventId(jobKeyOf(requestEventId, 0)));
    expect(await statuses(releaser, contractId, milestoneId)).toEqual({ 0: 'done', 1: 'done', 7: 'done' });
  });

  it('a worker stopped after claiming the release, before completing it: another takes it over after the lease and approves once', async () => {
    const w = world('2027-02-01T09:00:00.000Z');
    const { contractId, milestoneId, requestEventId } = await w.pendingApproval();
    const [first, second] = [w.worker(), w.worker()];
    await first.prepare();
    await scheduled(first, contractId);
    w.clock.set(w.days(30));
    // The first worker claims due steps (ours among them), then dies: no completion, no release of its leases.
    await claimStep(first, jobKeyOf(requestEventId, 0));

    await second.prepare();
    await drain(second, contractId);
    expect(await ofType(contractId, 'MilestoneApproved')).toEqual([]);
    expect(await statuses(second, contractId, milestoneId)).toMatchObject({ 0: 'pending' });

    await new Promise((resolve) => setTimeout(resolve, leaseMs + 100));
    await drain(second, contractId);
    await drain(second, contractId);
    expect(await ofType(contractId, 'MilestoneApproved')).toHaveLength(1);
    // Its reminders came too late to be sent: closed without a word to the employer.
    expect(await ofType(contractId, 'MilestoneAutoReleaseReminderSent')).toEqual([]);
    expect(await statuses(second, contractId, milestoneId)).toEqual({ 0: 'done', 1: 'skipped', 7: 'skipped' });
  });

  it('a crash between the approval and the step’s completion: the step run again finds its event and appends nothing', async () => {
    const w = world('2027-03-01T09:00:00.000Z');
    const { contractId, milestoneId, requestEventId } = await w.pendingApproval();
    const [first, second] = [w.worker(), w.worker()];
    await first.prepare();
    await scheduled(first, contractId);
    w.clock.set(w.days(14, 1));
    const job = await claimStep(first, jobKeyOf(requestEventId, 0));
    expect(await first.perform(job)).toEqual({ kind: 'done', outcome: 'approved' });
    // …and the process dies before `settle`: the step is still open, leased to the dead worker.
    expect(await statuses(first, contractId, milestoneId)).toMatchObject({ 0: 'pending' });

    await new Promise((resolve) => setTimeout(resolve, leaseMs + 100));
    await second.prepare();
    // The step run again without the scheduler's help first: it finds its event and appends nothing.
    const retried = await claimStep(second, job.key);
    expect(await second.perform(retried)).toEqual({ kind: 'done', outcome: 'already recorded' });
    await second.settle(retried, { kind: 'done', outcome: 'already recorded' });
    await drain(second, contractId);
    expect(await ofType(contractId, 'MilestoneApproved')).toHaveLength(1);
    // Done, by whoever saw it first: the scheduler reading the step's own event, or the step run again.
    const [release] = (await second.store.forMilestone(contractId, milestoneId)).filter((j) => j.daysBefore === 0);
    expect(release!.status).toBe('done');
    expect(release!.outcome).toMatch(/^(approved in event |already recorded)/);
  });

  it('workers restarted between the steps: the wait survives, and the new worker approves once when due', async () => {
    const w = world('2027-04-01T09:00:00.000Z');
    const { contractId, milestoneId } = await w.pendingApproval();
    const before = w.worker();
    await before.start(failed);
    // The running scheduler picks the request up from the log by itself.
    await eventually(async () => (await before.store.forMilestone(contractId, milestoneId)).length === 3);
    w.clock.set(w.days(7, 60_000));
    before.kick();
    await eventually(async () => (await ofType(contractId, 'MilestoneAutoReleaseReminderSent')).length === 1);
    await before.stop();

    w.clock.set(w.days(15));
    expect(await ofType(contractId, 'MilestoneApproved')).toEqual([]);
    const after = w.worker();
    await after.start(failed);
    await eventually(async () => (await statuses(after, contractId, milestoneId))[0] === 'done');
    await after.stop();
    expect(await ofType(contractId, 'MilestoneApproved')).toHaveLength(1);
    expect(await ofType(contractId, 'MilestoneAutoReleaseReminderSent')).toHaveLength(1);
    expect(await statuses(after, contractId, milestoneId)).toEqual({ 0: 'done', 1: 'skipped', 7: 'done' });
  });

  it('two workers at once, on many milestones: each is reminded and approved exactly once', async () => {
    const w = world('2027-05-01T09:00:00.000Z');
    const milestones = await Promise.all(Array.from({ length: 6 }, () => w.pendingApproval()));
    const [a, b] = [w.worker(), w.worker()];
    await a.prepare();
    await b.prepare();
    for (const { contractId } of milestones) for (const worker of [a, b]) await scheduled(worker, contractId);
    const last = milestones.at(-1)!.contractId;
    const both = () => Promise.all([drain(a, last), drain(b, last), drain(a, last), drain(b, last)]);
    w.clock.set(w.days(7));
    await both();
    w.clock.set(w.days(13));
    await both();
    w.clock.set(w.days(14));
    await both();
    for (const { contractId } of milestones) {
      expect(await ofType(contractId, 'MilestoneApproved')).toHaveLength(1);
      expect((await ofType(contractId, 'MilestoneAutoReleaseReminderSent')).map((e) => (e.data as { daysBefore: number }).daysBefore)).toEqual([7, 1]);
    }
  });

  it('even the same step run by two workers at once (leases bypassed) approves once', async () => {
    const w = world('2027-06-01T09:00:00.000Z');
    const { contractId, milestoneId } = await w.pendingApproval();
    const [a, b] = [w.worker(), w.worker()];
    await a.prepare();
    await scheduled(a, contractId);
    const [release] = (await a.store.forMilestone(contractId, milestoneId)).filter((j) => j.daysBefore === 0);
    w.clock.set(w.days(14));
    const results = await Promise.all([a.perform(release!), b.perform(release!), a.perform(release!)]);
    expect(results.filter((r) => r.kind === 'done')).toHaveLength(3);
    expect(await ofType(contractId, 'MilestoneApproved')).toHaveLength(1);
  });

  it('disputed before the due date: no reminder and no approval, the steps are cancelled', async () => {
    const w = world('2027-07-01T09:00:00.000Z');
    const { contractId, milestoneId } = await w.pendingApproval();
    const releaser = w.worker();
    await releaser.prepare();
    w.clock.set(w.days(3));
    await w.run(contractId, { type: 'Dispute', actor: employer, data: { contractId, milestoneId, reason: 'labels are wrong' } }, employer);
    w.clock.set(w.days(40));
    await drain(releaser, contractId);
    expect(await ofType(contractId, 'MilestoneApproved')).toEqual([]);
    expect(await ofType(contractId, 'MilestoneAutoReleaseReminderSent')).toEqual([]);
    expect(await statuses(releaser, contractId, milestoneId)).toEqual({ 0: 'cancelled', 1: 'cancelled', 7: 'cancelled' });
  });

  it('approved by the employer before the due date: nothing more happens', async () => {
    const w = world('2027-08-01T09:00:00.000Z');
    const { contractId, milestoneId } = await w.pendingApproval();
    const releaser = w.worker();
    await releaser.prepare();
    w.clock.set(w.days(2));
    await w.run(contractId, { type: 'Approve', actor: employer, data: { contractId, milestoneId, feeBps } }, employer);
    w.clock.set(w.days(40));
    await drain(releaser, contractId);
    const approvals = await ofType(contractId, 'MilestoneApproved');
    expect(approvals.map((e) => (e.data as { reason: string }).reason)).toEqual(['employer']);
    expect(await statuses(releaser, contractId, milestoneId)).toEqual({ 0: 'cancelled', 1: 'cancelled', 7: 'cancelled' });
  });

  it('a step whose wait ended without the scheduler seeing it yet is skipped: the executor checks the log itself', async () => {
    const w = world('2027-09-01T09:00:00.000Z');
    const { contractId, milestoneId } = await w.pendingApproval();
    const releaser = w.worker();
    await releaser.prepare();
    await scheduled(releaser, contractId);
    await w.run(contractId, { type: 'Dispute', actor: trainer, data: { contractId, milestoneId, reason: 'no answer' } }, trainer);
    w.clock.set(w.days(14));
    const [release] = (await releaser.store.forMilestone(contractId, milestoneId)).filter((j) => j.daysBefore === 0);
    expect(await releaser.perform(release!)).toEqual({ kind: 'skipped', outcome: expect.stringContaining('no longer waits for the approval') });
    expect(await ofType(contractId, 'MilestoneApproved')).toEqual([]);
  });

  it('a release the database keeps refusing is given up after its attempts; support retries one (approved once) and resolves the other (never run)', async () => {
    const w = world('2027-11-01T09:00:00.000Z');
    const retried = await w.pendingApproval();
    const resolved = await w.pendingApproval();
    const releaser = w.worker();
    const admin = new PaymentProcessAdmin(db);
    await releaser.prepare();
    const undoRefusals = [
      await refuseAppendsTo(db, contractStream(retried.contractId), 'could not extend file: No space left on device'),
      await refuseAppendsTo(db, contractStream(resolved.contractId), 'could not extend file: No space left on device'),
    ];
    // Each failed attempt is due again a little later by the clock: moved on a minute per round.
    for (let round = 0; round < timing.attemptsMax; round++) {
      w.clock.set(w.days(14, round * 60_000));
      await drain(releaser, resolved.contractId);
    }
    const ours = new Set<string>([retried.milestoneId, resolved.milestoneId]);
    const release = async (milestone: { contractId: string; milestoneId: string }) =>
      (await releaser.store.forMilestone(milestone.contractId, milestone.milestoneId)).find((job) => job.daysBefore === 0)!;
    expect(await release(retried)).toMatchObject({ status: 'dead', attempts: timing.attemptsMax, lastError: expect.stringContaining('No space left on device') });
    const givenUp = (await admin.givenUpAutoReleaseSteps(100)).filter((step) => ours.has(step.milestoneId));
    expect(givenUp.map((step) => [step.milestoneId, step.daysBefore, step.attempts])).toEqual(
      expect.arrayContaining([[retried.milestoneId, 0, timing.attemptsMax], [resolved.milestoneId, 0, timing.attemptsMax]]),
    );
    expect(givenUp).toHaveLength(2);
    w.clock.set(w.days(20));
    await drain(releaser, resolved.contractId);
    expect(await ofType(retried.contractId, 'MilestoneApproved')).toEqual([]);

    for (const undo of undoRefusals) await undo();
    expect(await admin.retryAutoReleaseStep((await release(retried)).key, w.clock.now())).toBe(true);
    expect(await admin.resolveAutoReleaseStep((await release(resolved)).key, 'resolved by support sup_1')).toBe(true);
    await drain(releaser, resolved.contractId);
    await drain(releaser, resolved.contractId);

    const approvals = await ofType(retried.contractId, 'MilestoneApproved');
    expect(approvals).toHaveLength(1);
    expect(approvals[0]!.eventId).toBe(stepEventId(jobKeyOf(retried.requestEventId, 0)));
    expect(approvals[0]!.metadata).toMatchObject({ actor: autoReleaseActor, occurredAt: w.days(20) });
    expect(await release(retried)).toMatchObject({ status: 'done', outcome: 'approved' });
    expect(await ofType(resolved.contractId, 'MilestoneApproved')).toEqual([]);
    expect(await release(resolved)).toMatchObject({ status: 'skipped', outcome: 'resolved by support sup_1' });
    expect((await admin.givenUpAutoReleaseSteps(100)).filter((step) => ours.has(step.milestoneId))).toEqual([]);
  });

  it('AUTO_RELEASE_DAYS changed: open steps follow the new setting; 0 runs no executor', async () => {
    const w = world('2027-10-01T09:00:00.000Z');
    const { contractId, milestoneId } = await w.pendingApproval();
    const disabled = w.worker(0);
    await disabled.start(failed);
    expect(disabled.enabled).toBe(false);
    await eventually(async () => (await disabled.store.forMilestone(contractId, milestoneId)).length === 3);
    await disabled.stop();
    w.clock.set(w.days(60));
    expect(await ofType(contractId, 'MilestoneApproved')).toEqual([]);

    w.clock.set(w.days(3));
    const short = w.worker(3);
    await short.prepare();
    const jobs = await short.store.forMilestone(contractId, milestoneId);
    expect(Object.fromEntries(jobs.map((j) => [j.daysBefore, j.dueAt]))).toEqual({ 0: w.days(3), 1: w.days(2), 7: w.days(-4) });
    await drain(short, contractId);
    expect(await ofType(contractId, 'MilestoneApproved')).toHaveLength(1);
    // With a 3-day wait there is no 7-day reminder, and the 1-day one came too late.
    expect(await statuses(short, contractId, milestoneId)).toEqual({ 0: 'done', 1: 'skipped', 7: 'skipped' });
  });
});

async function eventually(probe: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
