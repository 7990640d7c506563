import { randomUUID } from 'node:crypto';
import type { AppConfig } from '@escrow/runtime';
import type { SqlDb } from '@escrow/sql';
import { describeEachDatabase, withDatabase } from '../../../../../test/support/databases';
import { EffectRunner, effectContractsInParallelMax } from './effect-runner';
import { EffectStore, type Effect } from './effect-store';
import type { EffectResult, PerformEffect } from './perform-effect';

const config = { paymentEffectLeaseMs: 30_000 } as AppConfig;

/** A provider call that takes a while and records who ran when, so overlaps can be checked. */
class RecordingPerformer {
  readonly started: string[] = [];
  readonly finished: string[] = [];
  private running = new Map<string, number>();
  maxInFlight = 0;
  maxInFlightPerContract = 0;
  constructor(private readonly failOn: string | null = null) {}

  async perform(effect: Effect): Promise<EffectResult> {
    this.started.push(effect.key);
    const inContract = (this.running.get(effect.contractId) ?? 0) + 1;
    this.running.set(effect.contractId, inContract);
    this.maxInFlightPerContract = Math.max(this.maxInFlightPerContract, inContract);
    this.maxInFlight = Math.max(this.maxInFlight, [...this.running.values()].reduce((sum, n) => sum + n, 0));
    await new Promise((resolve) => setTimeout(resolve, 30));
    this.running.set(effect.contractId, inContract - 1);
    this.finished.push(effect.key);
    if (effect.key === this.failOn) throw new Error('the process died mid-effect');
    return { kind: 'done', outcome: { performed: effect.key } };
  }
}

describeEachDatabase('EffectRunner', (target) => {
  const database = withDatabase(target, { emptyBeforeEach: true });
  let db: SqlDb;
  let store: EffectStore;

  beforeEach(async () => {
    db = database.db;
    store = new EffectStore(db);
  });

  async function enqueue(contractId: string, n: number): Promise<string> {
    const key = `charge:${contractId}:${n}`;
    await store.enqueue({
      key, kind: 'charge', contractId, milestoneId: `m-${n}`, causeEventId: randomUUID(),
      causeEventType: 'MilestoneFundingRequested', correlationId: 'spec', request: { n },
    });
    // Distinct due times: the queue hands effects out in due order.
    await new Promise((resolve) => setTimeout(resolve, 5));
    return key;
  }

  async function runUntil(runner: EffectRunner, done: () => boolean | Promise<boolean>, errors: unknown[]) {
    await runner.start((error) => errors.push(error));
    const deadline = Date.now() + 15_000;
    while (!(await done()) && Date.now() < deadline && errors.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    await runner.stop();
  }

  it("runs several contracts' effects at once, each contract's one at a time in order, every effect once", async () => {
    const contracts = ['c-a', 'c-b', 'c-c', 'c-d', 'c-e'];
    const keys = new Map<string, string[]>();
    for (const n of [1, 2]) for (const contractId of contracts) keys.set(contractId, [...(keys.get(contractId) ?? []), await enqueue(contractId, n)]);
    const performer = new RecordingPerformer();
    const runner = new EffectRunner(db, config, performer as unknown as PerformEffect);
    const errors: unknown[] = [];
    await runUntil(runner, () => performer.finished.length === 10, errors);

    expect(errors).toEqual([]);
    expect([...performer.finished].sort()).toEqual([...keys.values()].flat().sort());
    expect(performer.maxInFlight).toBeGreaterThan(1);
    expect(performer.maxInFlight).toBeLessThanOrEqual(effectContractsInParallelMax);
    expect(performer.maxInFlightPerContract).toBe(1);
    for (const [, [first, second]] of keys) expect(performer.started.indexOf(first!)).toBeLessThan(performer.started.indexOf(second!));
    for (const key of [...keys.values()].flat()) expect(await store.get(key)).toMatchObject({ status: 'done', outcome: { performed: key } });
  });

  it('ends the round on a failure once the other lanes have stopped, and a new runner performs what is left exactly once', async () => {
    const keys: string[] = [];
    for (const n of [1, 2, 3]) for (const contractId of ['c-a', 'c-b']) keys.push(await enqueue(contractId, n));
    const failing = new RecordingPerformer('charge:c-a:1');
    const errors: unknown[] = [];
    await runUntil(new EffectRunner(db, config, failing as unknown as PerformEffect), () => false, errors);
    expect(errors).toEqual([new Error('the process died mid-effect')]);
    // Nothing was left running when the round failed, and nothing after the failure started.
    expect(failing.started).toEqual(failing.finished);
    expect(failing.started).not.toContain('charge:c-a:2');

    const after = new RecordingPerformer();
    const restartErrors: unknown[] = [];
    const left = keys.filter((key) => !failing.finished.includes(key) || key === 'charge:c-a:1');
    await runUntil(new EffectRunner(db, config, after as unknown as PerformEffect), () => after.finished.length === left.length, restartErrors);
    expect(restartErrors).toEqual([]);
    expect([...after.finished].sort()).toEqual([...left].sort());
    for (const key of keys) expect(await store.get(key)).toMatchObject({ status: 'done' });
  });
});
