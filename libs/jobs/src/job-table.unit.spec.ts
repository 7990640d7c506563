import { JobQueue } from './job-queue';
import type { JobTable } from './job-table';
import type { SqlDb } from '@escrow/sql';

/** The description is checked before any SQL runs: no query may reach this. */
const noDb = {} as SqlDb;

const valid: JobTable = {
  table: 'saga_effects',
  key: ['idempotency_key'],
  dueAt: { column: 'next_attempt_at' },
  attempts: 'attempts',
  error: 'last_error',
  order: 'next_attempt_at',
  states: { column: 'status', open: ['pending'], failed: 'pending', dead: 'dead' },
  lease: { kind: 'owner', until: 'leased_until', owner: 'lease_owner' },
};

describe('JobTable', () => {
  it('takes a description of plain names', () => {
    expect(() => new JobQueue(noDb, valid)).not.toThrow();
  });

  it('refuses names and states that are not plain words, since they are spliced into SQL', () => {
    expect(() => new JobQueue(noDb, { ...valid, table: 'saga_effects; drop table x' })).toThrow(/plain identifier/);
    expect(() => new JobQueue(noDb, { ...valid, lease: { kind: 'owner', until: 'leased_until', owner: 'Owner"' } })).toThrow(/plain identifier/);
    expect(() => new JobQueue(noDb, { ...valid, states: { ...valid.states!, dead: "dead'" } })).toThrow(/plain word/);
  });

  it('refuses a table without a key, or whose failed state is not open', () => {
    expect(() => new JobQueue(noDb, { ...valid, key: [] })).toThrow(/has a key/);
    expect(() => new JobQueue(noDb, { ...valid, states: { column: 'status', open: ['pending'], failed: 'failed' } })).toThrow(/stays open/);
  });

  it('refuses a key with the wrong number of values', async () => {
    await expect(new JobQueue(noDb, valid).complete(['a', 'b'], { state: 'done' })).rejects.toThrow(/1 value/);
  });
});
