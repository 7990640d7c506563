import { Pause, sleep } from './pause';

describe('Pause', () => {
  it('lets the time pass when nobody cuts it short', async () => {
    const started = Date.now();
    await expect(new Pause().wait(30)).resolves.toBe('elapsed');
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('ends the waits in progress on wake, but not later ones', async () => {
    const pause = new Pause();
    const waits = [pause.wait(10_000), pause.wait(10_000)];
    pause.wake();
    await expect(Promise.all(waits)).resolves.toEqual(['woken', 'woken']);
    await expect(pause.wait(10)).resolves.toBe('elapsed');
  });

  it('ends the waits in progress on stop, and every later one at once', async () => {
    const pause = new Pause();
    const started = Date.now();
    const waiting = pause.wait(10_000);
    await sleep(5);
    pause.stop();
    await expect(waiting).resolves.toBe('stopped');
    await expect(pause.wait(10_000)).resolves.toBe('stopped');
    expect(pause.isStopped).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});
