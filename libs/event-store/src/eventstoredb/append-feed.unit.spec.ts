import { EventEmitter } from 'node:events';
import { AppendSignal } from '../polling-subscription';
import { AppendFeed, appendFeedRestartDelayMs, type FeedSource } from './append-feed';

class FakeFeedSource extends EventEmitter implements FeedSource {
  unsubscribed = false;
  destroyed = false;
  async unsubscribe(): Promise<void> {
    this.unsubscribed = true;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

function harness() {
  const signal = new AppendSignal();
  const sources: FakeFeedSource[] = [];
  const feed = new AppendFeed(() => {
    const source = new FakeFeedSource();
    sources.push(source);
    return source;
  }, signal);
  return { signal, sources, feed };
}

/** Resolves to whether `wait` returned before its (long) timeout: that is, it was woken. */
async function woken(wait: Promise<void>): Promise<boolean> {
  return Promise.race([wait.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 50))]);
}

describe('AppendFeed: append watchers woken by a live subscription', () => {
  it('opens one live subscription, on first use, and wakes watchers on each event it brings', async () => {
    const { signal, sources, feed } = harness();
    const watcher = signal.watcher();
    feed.ensureOpen();
    feed.ensureOpen();
    expect(sources).toHaveLength(1);
    watcher.mark();
    sources[0]!.emit('data', {});
    expect(await woken(watcher.wait(200))).toBe(true);
    watcher.mark();
    expect(await woken(watcher.wait(200))).toBe(false);
    await feed.close();
  });

  it('reopens a failed feed after a pause, waking watchers at once for what it may have missed', async () => {
    jest.useFakeTimers();
    try {
      const { signal, sources, feed } = harness();
      feed.ensureOpen();
      const watcher = signal.watcher();
      watcher.mark();
      sources[0]!.emit('error', new Error('leader changed'));
      expect(sources[0]!.unsubscribed).toBe(true);
      await watcher.wait(60_000); // resolves at once: the failure notified
      feed.ensureOpen();
      expect(sources).toHaveLength(1); // not before the pause
      jest.advanceTimersByTime(appendFeedRestartDelayMs);
      expect(sources).toHaveLength(2);
      await feed.close();
    } finally {
      jest.useRealTimers();
    }
  });

  it('closes its subscription and opens no other after close', async () => {
    const { sources, feed } = harness();
    feed.ensureOpen();
    await feed.close();
    expect(sources[0]).toMatchObject({ unsubscribed: true, destroyed: true });
    sources[0]!.emit('close');
    feed.ensureOpen();
    expect(sources).toHaveLength(1);
  });
});
