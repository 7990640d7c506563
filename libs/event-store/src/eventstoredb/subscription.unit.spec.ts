import type { AllStreamResolvedEvent, Position } from '@eventstore/db-client';
import { Subscription as ClientSubscription } from '@eventstore/db-client/dist/streams/utils/Subscription';
import { convertGrpcEvent } from '@eventstore/db-client/dist/utils';
import type { RecordedEvent } from '../event-store';
import { InvalidPosition } from '../postgres/position';
import { toRecordedEvent } from './mapping';
import { decodePosition, encodePosition } from './position';
import { idleSubscription, runSubscription, type SubscriptionOptions, type SubscriptionSource } from './subscription';
import { FakeReadCall, eventResponse } from './testing/server-messages';

/**
 * The port's subscription over the client's own `$all` subscription stream, fed by a fake gRPC
 * call: what the server sends is what the handler sees, and stopping cancels the call.
 */
function harness(options: SubscriptionOptions & { types?: string[] } = {}) {
  const call = new FakeReadCall();
  const seen: string[] = [];
  let handle = async (event: RecordedEvent) => {
    seen.push(event.type);
  };
  const open = () =>
    new ClientSubscription<AllStreamResolvedEvent>(async () => call as never, convertGrpcEvent as never, {});
  const subscribe = () =>
    runSubscription(
      open,
      (resolved) => encodePosition(resolved.event!.position),
      (resolved) => (options.types && !options.types.includes(resolved.event!.type) ? null : toRecordedEvent(resolved, '')),
      options,
      (event) => handle(event),
    );
  return {
    call,
    seen,
    subscribe,
    onEvent(next: (event: RecordedEvent) => Promise<void>) {
      handle = next;
    },
    send(commit: number, type: string) {
      call.write(eventResponse({ commit: String(commit), type, id: `00000000-0000-4000-8000-${String(commit).padStart(12, '0')}` }));
    },
  };
}

const position = (commit: number) => encodePosition({ commit: BigInt(commit), prepare: BigInt(commit) });
const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('subscription over the client\'s $all subscription', () => {
  it('delivers catch-up then live events after the start position, once each, in order', async () => {
    const h = harness({ fromPosition: position(10) });
    const subscription = h.subscribe();
    h.send(10, 'A'); // a server that starts at the position given (inclusive) must not repeat it
    h.send(20, 'B');
    h.send(20, 'B'); // nor an event seen already
    await settle();
    h.send(30, 'C');
    await settle();
    await subscription.stop();
    await subscription.stopped;
    expect(h.seen).toEqual(['B', 'C']);
    expect(h.call.cancelled).toBe(true);
  });

  it('leaves out the events the client-side part of the filter rejects', async () => {
    const h = harness({ types: ['B'] });
    const subscription = h.subscribe();
    h.send(10, 'A');
    h.send(20, 'B');
    await settle();
    await subscription.stop();
    expect(h.seen).toEqual(['B']);
  });

  it('stops after the event in hand: stop() waits for the handler, and nothing after it is delivered', async () => {
    const h = harness();
    let release!: () => void;
    const handling: string[] = [];
    h.onEvent(async (event) => {
      handling.push(`start ${event.type}`);
      if (event.type === 'A') await new Promise<void>((resolve) => (release = resolve));
      handling.push(`end ${event.type}`);
    });
    const subscription = h.subscribe();
    h.send(10, 'A');
    h.send(20, 'B');
    await settle();
    const stopping = subscription.stop();
    let stopResolved = false;
    void stopping.then(() => (stopResolved = true));
    await settle();
    expect(stopResolved).toBe(false);
    release();
    await stopping;
    expect(handling).toEqual(['start A', 'end A']);
  });

  it('stops on a handler error and reports it once through onError', async () => {
    const errors: unknown[] = [];
    const h = harness({ onError: (error) => errors.push(error) });
    h.onEvent(async () => {
      throw new Error('handler broke');
    });
    const subscription = h.subscribe();
    h.send(10, 'A');
    h.send(20, 'B');
    await subscription.stopped;
    expect(errors).toEqual([new Error('handler broke')]);
    expect(h.call.cancelled).toBe(true);
  });

  it('rejects `stopped` with the handler error when there is no onError', async () => {
    const h = harness();
    h.onEvent(async () => {
      throw new Error('handler broke');
    });
    const subscription = h.subscribe();
    h.send(10, 'A');
    await expect(subscription.stopped).rejects.toThrow('handler broke');
  });

  it('reports the server dropping the subscription as the client\'s error', async () => {
    const errors: unknown[] = [];
    const h = harness({ onError: (error) => errors.push(error) });
    const subscription = h.subscribe();
    h.send(10, 'A');
    await settle();
    h.call.fail(14, 'leader changed');
    await subscription.stopped;
    expect(h.seen).toEqual(['A']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ type: 'unavailable' });
  });

  it('reports a subscription the server ended without being asked', async () => {
    const errors: unknown[] = [];
    const h = harness({ onError: (error) => errors.push(error) });
    const subscription = h.subscribe();
    h.call.end();
    await subscription.stopped;
    expect(errors).toEqual([new Error('the subscription to $all ended without being stopped')]);
  });

  it('reports a start position it cannot open through onError', async () => {
    const errors: unknown[] = [];
    const openAt = (_from: Position): SubscriptionSource => {
      throw new Error('not reached: the position is decoded first');
    };
    const subscription = runSubscription(
      () => openAt(decodePosition('not-a-position')),
      () => '',
      () => null,
      { onError: (error) => errors.push(error) },
      async () => undefined,
    );
    await subscription.stopped;
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(InvalidPosition);
  });

  it('idles, for a filter no stream of the store matches, until stopped', async () => {
    const subscription = idleSubscription();
    let stopped = false;
    void subscription.stopped.then(() => (stopped = true));
    await settle();
    expect(stopped).toBe(false);
    await subscription.stop();
    expect(stopped).toBe(true);
  });
});
