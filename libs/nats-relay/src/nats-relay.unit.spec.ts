import type { EventStore } from '@escrow/event-store';
import type { SqlDb } from '@escrow/sql';
import { NatsRelay } from './nats-relay';

/** Neither is touched before `start`: any call fails the test. */
const untouchable = new Proxy({}, { get: (_, name) => () => { throw new Error(`${String(name)} called before start`); } });
const store = untouchable as EventStore;
const db = untouchable as SqlDb;

describe('NatsRelay before it starts', () => {
  it('stops without having started, more than once', async () => {
    const relay = new NatsRelay(store, db, { servers: 'nats://127.0.0.1:4222' });
    await expect(relay.stop()).resolves.toBeUndefined();
    await expect(relay.stop()).resolves.toBeUndefined();
    expect(relay.checkpoint).toBeNull();
    expect(relay.stats).toEqual({ windows: 0, stored: 0, duplicates: 0, storedOutOfOrder: 0, retries: 0 });
  });

  it('refuses a subject prefix that is not literal tokens', () => {
    expect(() => new NatsRelay(store, db, { servers: 'nats://127.0.0.1:4222', subjectPrefix: 'escrow.>' })).toThrow(/subject prefix/);
  });

  it('needs a server, and takes a comma-separated NATS_URL', () => {
    expect(() => new NatsRelay(store, db, { servers: ' , ' })).toThrow(/server/);
    expect(() => new NatsRelay(store, db, { servers: 'nats://a:4222, nats://b:4222' })).not.toThrow();
  });
});
