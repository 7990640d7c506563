import type { AppendSignal } from '../polling-subscription';

/** After the live feed fails (leader change, server restart), wait this long before reopening it. */
export const appendFeedRestartDelayMs = 1_000;

/** What we use of the client's `$all` subscription here: its events and its failure. */
export interface FeedSource {
  on(event: 'data', listener: (event: unknown) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  unsubscribe(): Promise<void>;
  destroy(): void;
}

/**
 * Feeds the append watchers (batch readers such as the projector runner) from a live, filtered
 * subscription to `$all` opened at its end: each of our events that becomes readable, from any
 * process, wakes them. Opened on first use, one per store. A wake-up is only a hint (readers
 * also wake on their timeout), so a failed feed is reopened after a pause, with one wake-up at
 * once in case an append slipped by while it was down.
 */
export class AppendFeed {
  private source: FeedSource | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly openSource: () => FeedSource,
    private readonly signal: AppendSignal,
  ) {}

  ensureOpen(): void {
    if (this.closed || this.source || this.restartTimer) return;
    const source = this.openSource();
    this.source = source;
    source.on('data', () => this.signal.notify());
    source.on('error', () => this.reopenLater(source));
    source.on('close', () => this.reopenLater(source));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    const source = this.source;
    this.source = null;
    if (source) {
      await source.unsubscribe().catch(() => undefined);
      source.destroy();
    }
  }

  private reopenLater(source: FeedSource): void {
    if (this.source !== source) return;
    this.source = null;
    source.unsubscribe().catch(() => undefined);
    if (this.closed) return;
    this.signal.notify();
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      this.ensureOpen();
    }, appendFeedRestartDelayMs);
  }
}
