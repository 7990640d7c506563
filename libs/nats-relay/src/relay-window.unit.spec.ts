import type { RecordedEvent } from '@escrow/event-store';
import type { JetStreamClient, JetStreamPublishOptions, PubAck } from '@nats-io/jetstream';
import { eventTypeHeader, positionHeader, publishWindow } from './relay-window';

type Outcome = 'stored' | 'duplicate' | Error;

/** A JetStream client that answers each publish, in call order, with the next outcome. */
function fakeJetStream(outcomes: readonly Outcome[]) {
  const published: { subject: string; payload: unknown; options: Partial<JetStreamPublishOptions> }[] = [];
  const js = {
    publish(subject: string, payload: string, options: Partial<JetStreamPublishOptions>): Promise<PubAck> {
      const outcome = outcomes[published.length]!;
      published.push({ subject, payload: JSON.parse(payload), options });
      if (outcome instanceof Error) return Promise.reject(outcome);
      return Promise.resolve({ stream: 'ESCROW', seq: published.length, duplicate: outcome === 'duplicate' });
    },
  } as unknown as JetStreamClient;
  return { js, published };
}

function recorded(n: number, overrides: Partial<RecordedEvent> = {}): RecordedEvent {
  return {
    eventId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    type: 'MilestoneFunded',
    data: { amount: { amountCents: 15_000, currency: 'USD' } },
    metadata: { correlationId: `c${n}` },
    streamId: `contract-${n}`,
    revision: n,
    position: `${String(n).padStart(20, '0')}-${String(n).padStart(20, '0')}`,
    recordedAt: '2026-12-01T00:00:00.000Z',
    ...overrides,
  };
}

const target = { streamName: 'ESCROW', subjectPrefix: 'escrow' };

describe('publishWindow', () => {
  it('publishes in log order with the event id as message id and the feed message as payload', async () => {
    const { js, published } = fakeJetStream(['stored', 'stored']);
    const events = [recorded(1), recorded(2, { streamId: 'employer-e1', type: 'PaymentMethodSaved' })];
    const ack = await publishWindow(js, target, events);

    expect(ack).toEqual({ ackedCount: 2, storedCount: 2, duplicateCount: 0, error: null, storedOutOfOrder: 0 });
    expect(published.map((p) => p.subject)).toEqual(['escrow.contract.MilestoneFunded', 'escrow.employer.PaymentMethodSaved']);
    expect(published.map((p) => p.options.msgID)).toEqual(events.map((e) => e.eventId));
    expect(published.every((p) => p.options.expect?.streamName === 'ESCROW')).toBe(true);
    expect(published[0]!.payload).toEqual({
      type: 'MilestoneFunded',
      stream: 'contract-1',
      revision: 1,
      position: events[0]!.position,
      data: events[0]!.data,
      metadata: events[0]!.metadata,
    });
    expect(published[1]!.options.headers?.get(positionHeader)).toBe(events[1]!.position);
    expect(published[1]!.options.headers?.get(eventTypeHeader)).toBe('PaymentMethodSaved');
  });

  it('counts what the stream already had', async () => {
    const { js } = fakeJetStream(['duplicate', 'duplicate', 'stored']);
    const ack = await publishWindow(js, target, [recorded(1), recorded(2), recorded(3)]);
    expect(ack).toEqual({ ackedCount: 3, storedCount: 1, duplicateCount: 2, error: null, storedOutOfOrder: 0 });
  });

  it('acknowledges only up to the first failure, and reports a later event stored ahead of it', async () => {
    const failure = new Error('timeout');
    const { js } = fakeJetStream(['stored', 'duplicate', failure, 'duplicate', 'stored']);
    const ack = await publishWindow(js, target, [1, 2, 3, 4, 5].map((n) => recorded(n)));
    expect(ack).toEqual({ ackedCount: 2, storedCount: 1, duplicateCount: 1, error: failure, storedOutOfOrder: 1 });
  });

  it('leaves a type header out when the type has characters a header cannot carry', async () => {
    const { js, published } = fakeJetStream(['stored']);
    await publishWindow(js, target, [recorded(1, { type: 'Odd\r\nType' })]);
    expect(published[0]!.options.headers?.has(eventTypeHeader)).toBe(false);
    expect(published[0]!.subject).toBe('escrow.contract.Odd__Type');
  });
});
