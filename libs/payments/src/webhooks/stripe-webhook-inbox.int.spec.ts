import { describeEachDatabase, withDatabase } from '../../../../test/support/databases';
import { stripeEventFixture } from './testing/stripe-event.fixture';
import { InboxTransitionRefused, StripeWebhookInbox } from './stripe-webhook-inbox';

const at = (iso: string) => new Date(iso);
const ids = (events: { id: string }[]) => events.map((event) => event.id);

describeEachDatabase('StripeWebhookInbox', (target) => {
  // Emptied before each test: the tests list and count the whole inbox.
  const database = withDatabase(target, { emptyBeforeEach: true });
  let inbox: StripeWebhookInbox;

  beforeEach(async () => {
    inbox = new StripeWebhookInbox(database.db);
  });

  it('records a verified event once, keeping the whole payload, and reads it back', async () => {
    const event = stripeEventFixture({ type: 'charge.dispute.created', created: 1_790_000_000, livemode: false });
    const before = Date.now();

    expect(await inbox.record(event)).toBe('recorded');

    const stored = await inbox.get(event.id);
    expect(stored).toEqual({
      id: event.id,
      type: 'charge.dispute.created',
      created: 1_790_000_000,
      livemode: false,
      payload: event,
      receivedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      attempts: 0,
      status: 'pending',
      outcome: null,
      error: null,
    });
    expect(Date.parse(stored!.receivedAt)).toBeGreaterThanOrEqual(before - 1_000);
    expect(await inbox.get('evt_unknown')).toBeNull();
  });

  it('treats a redelivery as a duplicate that changes nothing, even after processing', async () => {
    const event = stripeEventFixture();
    await inbox.record(event);
    await inbox.markProcessed(event.id, 'MilestoneFunded appended');
    const first = await inbox.get(event.id);

    const altered = { ...event, type: 'payment_intent.payment_failed' } as typeof event;
    expect(await inbox.record(altered)).toBe('duplicate');

    expect(await inbox.get(event.id)).toEqual(first);
    expect(await inbox.list({ limit: 10 })).toHaveLength(1);
  });

  it('lets exactly one of several racing deliveries of one event record it', async () => {
    const event = stripeEventFixture();
    const results = await Promise.all(Array.from({ length: 6 }, () => inbox.record(event)));
    expect(results.filter((result) => result === 'recorded')).toHaveLength(1);
    expect(results.filter((result) => result === 'duplicate')).toHaveLength(5);
  });

  it('hands out due events by Stripe created time, then by receipt', async () => {
    const late = stripeEventFixture({ created: 1_700_000_300 });
    const early = stripeEventFixture({ created: 1_700_000_100 });
    const tieFirst = stripeEventFixture({ created: 1_700_000_200 });
    const tieSecond = stripeEventFixture({ created: 1_700_000_200 });
    for (const event of [late, tieFirst, early, tieSecond]) await inbox.record(event);

    expect(ids(await inbox.due(10))).toEqual([early.id, tieFirst.id, tieSecond.id, late.id]);
    expect(ids(await inbox.due(2))).toEqual([early.id, tieFirst.id]);
  });

  it('keeps a failed event back until its retry time, counting attempts', async () => {
    const failing = stripeEventFixture({ created: 1_700_000_100 });
    const other = stripeEventFixture({ created: 1_700_000_200 });
    await inbox.record(failing);
    await inbox.record(other);

    await inbox.markFailed(failing.id, 'event store unavailable', at('2030-01-01T00:01:00Z'));
    expect(ids(await inbox.due(10, at('2030-01-01T00:00:59Z')))).toEqual([other.id]);
    expect(ids(await inbox.due(10, at('2030-01-01T00:01:00Z')))).toEqual([failing.id, other.id]);

    await inbox.markFailed(failing.id, 'still unavailable', at('2030-01-01T00:05:00Z'));
    expect(ids(await inbox.due(10, at('2030-01-01T00:04:00Z')))).toEqual([other.id]);
    expect(await inbox.get(failing.id)).toMatchObject({ status: 'failed', attempts: 2, error: 'still unavailable', outcome: null });

    await inbox.markProcessed(failing.id, 'MilestoneFunded appended');
    expect(await inbox.get(failing.id)).toMatchObject({ status: 'processed', attempts: 2, outcome: 'MilestoneFunded appended' });
    expect(ids(await inbox.due(10, at('2031-01-01T00:00:00Z')))).toEqual([other.id]);
  });

  it('takes processed and ignored events out of the due list for good', async () => {
    const processed = stripeEventFixture();
    const ignored = stripeEventFixture({ type: 'customer.created' });
    const pending = stripeEventFixture();
    for (const event of [processed, ignored, pending]) await inbox.record(event);

    await inbox.markProcessed(processed.id, 'already recorded');
    await inbox.markIgnored(ignored.id, 'customer.created is not acted on');

    expect(ids(await inbox.due(10, at('2100-01-01T00:00:00Z')))).toEqual([pending.id]);
    expect(await inbox.get(ignored.id)).toMatchObject({ status: 'ignored', outcome: 'customer.created is not acted on', attempts: 0 });
  });

  it('refuses to mark an unknown event, or to reopen or re-close a finished one', async () => {
    const event = stripeEventFixture();
    await inbox.record(event);
    await inbox.markProcessed(event.id, 'done');

    await expect(inbox.markFailed(event.id, 'late failure', at('2030-01-01T00:00:00Z'))).rejects.toThrow(InboxTransitionRefused);
    await expect(inbox.markIgnored(event.id, 'no')).rejects.toThrow(/already processed/);
    await expect(inbox.markProcessed('evt_missing', 'done')).rejects.toThrow(/not in the inbox/);
    expect(await inbox.get(event.id)).toMatchObject({ status: 'processed', outcome: 'done', attempts: 0 });
  });

  it('lists by status, newest receipt first, within the limit', async () => {
    const [a, b, c] = [stripeEventFixture(), stripeEventFixture(), stripeEventFixture()];
    for (const event of [a!, b!, c!]) await inbox.record(event);
    await inbox.markIgnored(b!.id, 'not ours');

    expect(ids(await inbox.list({ limit: 10 }))).toEqual([c!.id, b!.id, a!.id]);
    expect(ids(await inbox.list({ status: 'pending', limit: 10 }))).toEqual([c!.id, a!.id]);
    expect(ids(await inbox.list({ status: 'pending', limit: 1 }))).toEqual([c!.id]);
    expect(await inbox.list({ status: 'failed', limit: 10 })).toEqual([]);
  });

  it('refuses a page size outside its bounds', async () => {
    await expect(inbox.due(0)).rejects.toThrow(/limit/);
    await expect(inbox.list({ limit: 1_001 })).rejects.toThrow(/limit/);
  });

  it('wakes a listener for each newly recorded event, not for duplicates', async () => {
    let wakeUps = 0;
    const stop = await inbox.onRecorded(() => {
      wakeUps += 1;
    });
    try {
      const event = stripeEventFixture();
      await inbox.record(event);
      await waitFor(() => wakeUps === 1, 'the first notification');
      await inbox.record(event);
      await inbox.record(stripeEventFixture());
      await waitFor(() => wakeUps === 2, 'the second notification');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(wakeUps).toBe(2);
    } finally {
      await stop();
    }
  });
});

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
