import { sleep } from '@escrow/retry';
import { PollLoop, type PollLoopOptions, type WakeSource } from './poll-loop';

const hour = 60 * 60_000;
const noError = (error: unknown) => {
  throw new Error(`unexpected loop failure: ${String(error)}`);
};

/** A round that counts itself and says, from a script, whether more is waiting. */
function countingRound(script: boolean[] = []) {
  const state = { rounds: 0 };
  const round = async () => {
    state.rounds += 1;
    return script[state.rounds - 1] ?? false;
  };
  return { state, round };
}

async function until(condition: () => boolean, what: string, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

function start(options: Partial<PollLoopOptions> & Pick<PollLoopOptions, 'round'>): PollLoop {
  return PollLoop.start({ idleMs: hour, onError: noError, ...options });
}

describe('PollLoop', () => {
  it('goes again at once while a round says more is waiting, then idles', async () => {
    const { state, round } = countingRound([true, true, false]);
    const loop = start({ round });
    await until(() => state.rounds === 3, 'three rounds');
    await sleep(30);
    expect(state.rounds).toBe(3);
    await loop.stop();
  });

  it('looks again after the idle time without any wake-up', async () => {
    const { state, round } = countingRound();
    const loop = start({ round, idleMs: 20 });
    await until(() => state.rounds >= 3, 'rounds at the idle interval');
    await loop.stop();
  });

  it('ends the idle wait on wake, and skips it after a wake during a round', async () => {
    let rounds = 0;
    let loop: PollLoop | null = null;
    const round = async () => {
      rounds += 1;
      if (rounds === 2) loop!.wake(); // work arrived while this round ran
      return false;
    };
    loop = start({ round });
    await until(() => rounds === 1, 'the first round');
    loop.wake();
    await until(() => rounds === 3, 'the woken round and the one after the wake during it');
    await sleep(30);
    expect(rounds).toBe(3);
    await loop.stop();
  });

  it('waits on a wake source, marked before each round', async () => {
    const calls: string[] = [];
    let release: () => void = () => undefined;
    const source: WakeSource = {
      mark: () => calls.push('mark'),
      wait: () => new Promise<void>((resolve) => (release = resolve)),
    };
    const { state, round } = countingRound();
    const loop = start({ round, wakeSource: source });
    await until(() => state.rounds === 1, 'the first round');
    await sleep(10);
    expect(state.rounds).toBe(1);
    release();
    await until(() => state.rounds === 2, 'the round after the source woke the loop');
    expect(calls).toEqual(['mark', 'mark']);
    await loop.stop();
  });

  it('stops during an idle wait at once, and during a pause a round takes', async () => {
    const idle = start({ round: countingRound().round });
    await sleep(10);
    let started = Date.now();
    await idle.stop();
    expect(Date.now() - started).toBeLessThan(500);
    expect(idle.running).toBe(false);

    let paused: boolean | null = null;
    const pausing = start({
      round: async (loop) => {
        paused = await loop.pause(hour);
        return false;
      },
    });
    await sleep(10);
    started = Date.now();
    await pausing.stop();
    expect(Date.now() - started).toBeLessThan(500);
    expect(paused).toBe(false);
  });

  it('lets the round in hand finish before stop resolves', async () => {
    let finished = false;
    const loop = start({
      round: async () => {
        await sleep(50);
        finished = true;
        return true;
      },
    });
    await sleep(10);
    await loop.stop();
    expect(finished).toBe(true);
  });

  it('ends on a failed round and reports it, after tearing down', async () => {
    const events: string[] = [];
    const loop = PollLoop.start({
      idleMs: hour,
      setUp: async () => void events.push('set up'),
      round: async () => {
        events.push('round');
        throw new Error('database away');
      },
      tearDown: async () => void events.push('torn down'),
      onError: (error) => events.push(`error: ${(error as Error).message}`),
    });
    await loop.done;
    expect(events).toEqual(['set up', 'round', 'torn down', 'error: database away']);
    expect(loop.running).toBe(false);
    await expect(loop.stop()).resolves.toBeUndefined();
  });

  it('goes on after failed rounds when told to, backing off by failures in a row', async () => {
    const delays: number[] = [];
    const reports: number[] = [];
    let rounds = 0;
    const loop = start({
      round: async () => {
        rounds += 1;
        if (rounds <= 3) throw new Error(`failure ${rounds}`);
        return false;
      },
      retryFailedRounds: {
        delayMs: (failures) => {
          delays.push(failures);
          return 1;
        },
        report: (_, failures) => reports.push(failures),
      },
    });
    await until(() => rounds === 4, 'the round after three failures');
    expect(reports).toEqual([1, 2, 3]);
    expect(delays).toEqual([1, 2, 3]);
    expect(loop.running).toBe(true);
    await loop.stop();
  });

  it('runs no round when stopped during set-up, and still tears down', async () => {
    const events: string[] = [];
    const loop = start({
      setUp: async (control) => {
        events.push(`set-up pause ran out: ${await control.pause(hour)}`);
      },
      round: async () => {
        events.push('round');
        return false;
      },
      tearDown: async () => void events.push('torn down'),
    });
    await sleep(10);
    await loop.stop();
    expect(events).toEqual(['set-up pause ran out: false', 'torn down']);
  });
});
