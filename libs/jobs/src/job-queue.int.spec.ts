import { sleep } from '@escrow/retry';
import type { SqlDb } from '@escrow/sql';
import { describeEachDatabase, withDatabase } from '../../../test/support/databases';
import { JobQueue } from './job-queue';
import type { JobTable } from './job-table';
import { PollLoop } from './poll-loop';

/** The three shapes the queues have: leased with an owner, postponed on claim, read without a lease. */
const schema = `
create table leased_jobs (
  id              text primary key,
  status          text not null default 'pending' check (status in ('pending', 'done', 'dead')),
  attempts        int not null default 0,
  next_attempt_at timestamptz not null default now(),
  leased_until    timestamptz,
  lease_owner     text,
  first_taken_at  timestamptz,
  last_error      text,
  outcome         jsonb,
  created_at      timestamptz not null default clock_timestamp(),
  updated_at      timestamptz not null default now()
);
create table waiting_jobs (
  group_id        text not null,
  item_id         text not null,
  tag             text not null,
  attempts        int not null default 0,
  last_reason     text,
  next_attempt_at timestamptz not null default now(),
  primary key (group_id, item_id)
);
create table inbox_jobs (
  id              text primary key,
  seq             int not null,
  status          text not null default 'pending' check (status in ('pending', 'failed', 'processed')),
  attempts        int not null default 0,
  error           text,
  outcome         text,
  next_attempt_at timestamptz
);`;

const leasedJobs: JobTable = {
  table: 'leased_jobs',
  key: ['id'],
  dueAt: { column: 'next_attempt_at' },
  attempts: 'attempts',
  error: 'last_error',
  updatedAt: 'updated_at',
  outcome: { column: 'outcome', cast: 'jsonb' },
  order: 'next_attempt_at, created_at',
  states: { column: 'status', open: ['pending'], failed: 'pending', dead: 'dead' },
  lease: { kind: 'owner', until: 'leased_until', owner: 'lease_owner' },
};

const waitingJobs: JobTable = {
  table: 'waiting_jobs',
  key: ['group_id', 'item_id'],
  dueAt: { column: 'next_attempt_at' },
  attempts: 'attempts',
  error: 'last_reason',
  order: 'next_attempt_at',
  lease: { kind: 'postpone' },
};

const inboxJobs: JobTable = {
  table: 'inbox_jobs',
  key: ['id'],
  dueAt: { column: 'next_attempt_at', nullable: true },
  attempts: 'attempts',
  error: 'error',
  outcome: { column: 'outcome' },
  order: 'seq',
  states: { column: 'status', open: ['pending', 'failed'], failed: 'failed' },
  lease: { kind: 'none' },
};

interface LeasedRow {
  id: string;
  status: string;
  attempts: number;
  lease_owner: string | null;
  last_error: string | null;
  outcome: unknown;
}

const returning = 'id, status, attempts, lease_owner, last_error, outcome';
const ids = (rows: readonly { id: string }[]) => rows.map((row) => row.id);
const jobIds = (n: number) => Array.from({ length: n }, (_, i) => `job-${String(i).padStart(3, '0')}`);

describeEachDatabase('JobQueue', (target) => {
  // Emptied before each test: the tests count and list every job.
  const database = withDatabase(target, { emptyBeforeEach: true });
  let db: SqlDb;
  let leased: JobQueue;

  beforeEach(async () => {
    db = database.db;
    await db.exec(schema);
    leased = new JobQueue(db, leasedJobs);
  });

  /** Jobs due in the order given: each a millisecond later than the one before. */
  async function enqueue(keys: readonly string[]): Promise<void> {
    for (const [i, id] of keys.entries()) {
      await db.query(`insert into leased_jobs (id, next_attempt_at) values ($1, now() - make_interval(secs => $2::double precision / 1000))`, [id, 60_000 - i]);
    }
  }

  async function row(id: string): Promise<LeasedRow & { leased_until: string | null; first_taken_at: string | null }> {
    const { rows } = await db.query<LeasedRow & { leased_until: string | null; first_taken_at: string | null }>(
      `select ${returning}, leased_until::text, first_taken_at::text from leased_jobs where id = $1`,
      [id],
    );
    return rows[0]!;
  }

  describe('claiming', () => {
    it('hands out due jobs in order, leased to the claimer, and not jobs due later', async () => {
      await enqueue(['b', 'a', 'c']);
      await db.query(`insert into leased_jobs (id, next_attempt_at) values ('later', now() + interval '1 hour')`);

      const claimed = await leased.claim<LeasedRow>({ limit: 10, owner: 'worker-1', leaseMs: 60_000, returning, alsoSet: 'first_taken_at = coalesce(first_taken_at, now())' });

      expect(ids(claimed)).toEqual(['b', 'a', 'c']);
      expect(claimed.every((job) => job.lease_owner === 'worker-1')).toBe(true);
      expect(await row('b')).toMatchObject({ status: 'pending', leased_until: expect.any(String), first_taken_at: expect.any(String) });
      expect(await row('later')).toMatchObject({ lease_owner: null, first_taken_at: null });
    });

    it('gives two workers claiming together different jobs, and a third none while the leases last', async () => {
      await enqueue(jobIds(20));

      const [first, second] = await Promise.all([
        leased.claim<LeasedRow>({ limit: 10, owner: 'worker-1', leaseMs: 60_000, returning }),
        new JobQueue(db, leasedJobs).claim<LeasedRow>({ limit: 10, owner: 'worker-2', leaseMs: 60_000, returning }),
      ]);

      expect(first).toHaveLength(10);
      expect(second).toHaveLength(10);
      expect(new Set([...ids(first), ...ids(second)]).size).toBe(20);
      expect(await leased.claim({ limit: 10, owner: 'worker-3', leaseMs: 60_000, returning })).toEqual([]);
    });

    it('lets racing workers work the whole queue, each job exactly once', async () => {
      const all = jobIds(30);
      await enqueue(all);
      const handled: string[] = [];

      const worker = async (owner: string) => {
        const queue = new JobQueue(db, leasedJobs);
        for (;;) {
          const jobs = await queue.claim<LeasedRow>({ limit: 3, owner, leaseMs: 60_000, returning });
          if (jobs.length === 0) return;
          for (const job of jobs) {
            handled.push(job.id);
            expect(await queue.complete(job.id, { state: 'done', outcome: { by: owner } })).toBe(true);
          }
        }
      };
      await Promise.all(['w1', 'w2', 'w3', 'w4'].map(worker));

      expect([...handled].sort()).toEqual(all);
      const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from leased_jobs where status = 'done'`);
      expect(rows[0]!.n).toBe(30);
    });
  });

  describe('leases', () => {
    it('lets another worker take a job once its lease ran out', async () => {
      await enqueue(['job']);
      expect(ids(await leased.claim<LeasedRow>({ limit: 1, owner: 'dying', leaseMs: 100, returning }))).toEqual(['job']);
      expect(await leased.claim({ limit: 1, owner: 'other', leaseMs: 60_000, returning })).toEqual([]);

      await sleep(250);

      const [taken] = await leased.claim<LeasedRow>({ limit: 1, owner: 'other', leaseMs: 60_000, returning });
      expect(taken).toMatchObject({ id: 'job', lease_owner: 'other', attempts: 0 });
    });

    it('keeps a lease alive while the work runs, and hands it back on release', async () => {
      await enqueue(['job']);
      await leased.claim({ limit: 1, owner: 'busy', leaseMs: 150, returning });

      const stolen: unknown[] = [];
      await leased.whileLeased('busy', 150, async () => {
        for (let i = 0; i < 6; i++) {
          await sleep(60);
          stolen.push(...(await leased.claim({ limit: 1, owner: 'thief', leaseMs: 60_000, returning })));
        }
      }, (error) => stolen.push(error));
      expect(stolen).toEqual([]);

      await leased.releaseLeases('busy');
      expect(await row('job')).toMatchObject({ lease_owner: null, leased_until: null });
      expect(ids(await leased.claim<LeasedRow>({ limit: 1, owner: 'next', leaseMs: 60_000, returning }))).toEqual(['job']);
    });
  });

  describe('outcomes', () => {
    it('schedules a retry: counted, with its error, due again only at its time', async () => {
      await enqueue(['job']);
      await leased.claim({ limit: 1, owner: 'worker', leaseMs: 60_000, returning });

      expect(await leased.retryAt('job', { error: 'provider timeout', due: { afterMs: 300 } })).toBe(true);

      expect(await row('job')).toMatchObject({ status: 'pending', attempts: 1, last_error: 'provider timeout', lease_owner: null, leased_until: null });
      expect(await leased.claim({ limit: 1, owner: 'worker', leaseMs: 60_000, returning })).toEqual([]);
      await sleep(450);
      expect(await leased.claim<LeasedRow>({ limit: 1, owner: 'worker', leaseMs: 60_000, returning })).toMatchObject([{ id: 'job', attempts: 1 }]);

      expect(await leased.retryAt('job', { error: 'still away', due: { at: new Date(Date.now() + 60 * 60_000) } })).toBe(true);
      expect(await row('job')).toMatchObject({ attempts: 2, last_error: 'still away' });
      expect(await leased.claim({ limit: 1, owner: 'worker', leaseMs: 60_000, returning })).toEqual([]);
    });

    it('gives up on a job: dead, out of the queue, until a person re-arms it', async () => {
      await enqueue(['job', 'alive']);
      await leased.claim({ limit: 1, owner: 'worker', leaseMs: 60_000, returning });

      expect(await leased.giveUp('job', 'card declined')).toBe(true);
      expect(await row('job')).toMatchObject({ status: 'dead', attempts: 1, last_error: 'card declined', lease_owner: null });
      expect(ids(await leased.claim<LeasedRow>({ limit: 10, owner: 'worker', leaseMs: 60_000, returning }))).toEqual(['alive']);
      // A dead job takes no further outcome from a worker.
      expect(await leased.complete('job', { state: 'done', outcome: { late: true } })).toBe(false);
      expect(await leased.retryAt('job', { error: 'late', due: { afterMs: 0 } })).toBe(false);
      expect(await leased.giveUp('job', 'again')).toBe(false);

      expect(await leased.rearm('alive', { from: ['dead'], to: 'pending', resetAttempts: true })).toBe(0);
      expect(await leased.rearm('job', { from: ['dead'], to: 'pending', resetAttempts: true })).toBe(1);
      expect(await row('job')).toMatchObject({ status: 'pending', attempts: 0 });
      expect(ids(await leased.claim<LeasedRow>({ limit: 10, owner: 'worker', leaseMs: 60_000, returning }))).toEqual(['job']);
    });

    it('completes once with its outcome; a person may settle a dead job', async () => {
      await enqueue(['job', 'given-up']);
      expect(await leased.complete('job', { state: 'done', outcome: { transferId: 'tr_1' } })).toBe(true);
      expect(await leased.complete('job', { state: 'done', outcome: { transferId: 'tr_2' } })).toBe(false);
      expect(await row('job')).toMatchObject({ status: 'done', outcome: { transferId: 'tr_1' } });

      await leased.giveUp('given-up', 'refused');
      expect(await leased.complete('given-up', { state: 'done', outcome: { settledBy: 'support' } })).toBe(false);
      expect(await leased.complete('given-up', { state: 'done', outcome: { settledBy: 'support' }, from: ['dead'] })).toBe(true);
      expect(await row('given-up')).toMatchObject({ status: 'done', outcome: { settledBy: 'support' } });
    });
  });

  describe('a table without lease columns (postponed on claim)', () => {
    it('takes a job out of reach for the lease, deletes it when complete, and re-arms by a column', async () => {
      const waiting = new JobQueue(db, waitingJobs);
      for (const [group, item, tag] of [['g1', 'i1', 'blue'], ['g1', 'i2', 'red'], ['g2', 'i1', 'blue']]) {
        await db.query('insert into waiting_jobs (group_id, item_id, tag) values ($1, $2, $3)', [group, item, tag]);
      }
      const claim = () => waiting.claim<{ group_id: string; item_id: string }>({ limit: 2, leaseMs: 150, returning: 'group_id, item_id' });

      const [first, second] = await Promise.all([claim(), claim()]);
      expect([...first!, ...second!].map((job) => `${job.group_id}/${job.item_id}`).sort()).toEqual(['g1/i1', 'g1/i2', 'g2/i1']);
      expect(await claim()).toEqual([]);

      await sleep(300);
      expect(await claim()).toHaveLength(2);

      expect(await waiting.complete(['g1', 'i1'])).toBe(true);
      expect(await waiting.complete(['g1', 'i1'])).toBe(false);
      expect(await waiting.rearm({ column: 'tag', equals: 'blue' })).toBe(1);
      expect(await claim()).toEqual([{ group_id: 'g2', item_id: 'i1' }]);
    });
  });

  describe('a table read without a lease (the webhook inbox)', () => {
    it('hands out new jobs and failed ones whose time came, by a given clock', async () => {
      const inbox = new JobQueue(db, inboxJobs);
      for (const [id, seq] of [['late', 3], ['early', 1], ['failing', 2]] as const) await db.query('insert into inbox_jobs (id, seq) values ($1, $2)', [id, seq]);
      const due = async (now: string) => ids(await inbox.claim<{ id: string }>({ limit: 10, now: new Date(now), returning: 'id' }));

      expect(await inbox.retryAt('failing', { error: 'refused', due: { at: new Date('2030-01-01T00:01:00Z') } })).toBe(true);
      expect(await due('2030-01-01T00:00:59Z')).toEqual(['early', 'late']);
      expect(await due('2030-01-01T00:01:00Z')).toEqual(['early', 'failing', 'late']);

      expect(await inbox.complete('early', { state: 'processed', outcome: 'appended' })).toBe(true);
      expect(await inbox.complete('early', { state: 'processed', outcome: 'again' })).toBe(false);
      const { rows } = await db.query('select status, outcome, next_attempt_at from inbox_jobs where id = $1', ['early']);
      expect(rows[0]).toEqual({ status: 'processed', outcome: 'appended', next_attempt_at: null });

      expect(await inbox.rearm('failing', { from: ['failed'], due: { at: new Date('2029-01-01T00:00:00Z') } })).toBe(1);
      expect(await due('2029-06-01T00:00:00Z')).toEqual(['failing', 'late']);
    });
  });

  describe('worked by a PollLoop', () => {
    it('works jobs as they come, retries a failure, and stops at once during its idle pause', async () => {
      const attempts = new Map<string, number>();
      const round = async () => {
        const jobs = await leased.claim<LeasedRow>({ limit: 5, owner: 'loop', leaseMs: 60_000, returning });
        for (const job of jobs) {
          attempts.set(job.id, (attempts.get(job.id) ?? 0) + 1);
          if (job.id === 'flaky' && job.attempts === 0) await leased.retryAt(job.id, { error: 'flaked', due: { afterMs: 50 } });
          else await leased.complete(job.id, { state: 'done', outcome: null });
        }
        return jobs.length > 0;
      };
      const failures: unknown[] = [];
      const loop = PollLoop.start({ round, idleMs: 60_000, onError: (error) => failures.push(error) });

      await enqueue(['steady', 'flaky']);
      // Woken as an enqueue wakes its runner: the idle wait alone would take a minute.
      await until(async () => {
        loop.wake();
        return (await db.query(`select 1 from leased_jobs where status = 'done'`)).rows.length === 2;
      });
      expect(Object.fromEntries(attempts)).toEqual({ steady: 1, flaky: 2 });

      await sleep(20); // idle now, for a minute
      const started = Date.now();
      await loop.stop();
      expect(Date.now() - started).toBeLessThan(1_000);
      expect(loop.running).toBe(false);
      expect(failures).toEqual([]);
    });
  });
});

async function until(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(10);
  }
}
