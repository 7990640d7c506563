import { randomUUID } from 'node:crypto';
import { contractDecider, contractStream, usd, type ContractEvent } from '@escrow/domain';
import { PostgresEventStore, type EventToAppend, type RecordedEvent } from '@escrow/event-store';
import type { SqlDb } from '@escrow/sql';
import { describeEachDatabase, withDatabase } from '../../../../test/support/databases';
import { validateEvent, validateMetadata } from '../validation';
import { UpcastingEventStore } from './upcasting-event-store';

const support = { role: 'support', id: 'sup_1' } as const;

/** A contract whose milestone was disputed before chargebacks existed: v1, no `chargeback`. */
function storedHistory(contractId: string) {
  const ref = { contractId, milestoneId: 'm_1' };
  const event = (type: string, data: object, schemaVersion: number | null): EventToAppend => {
    const eventId = randomUUID();
    const metadata = {
      eventId,
      contractId,
      actor: { role: 'employer', id: 'emp_1' },
      correlationId: eventId,
      causationId: eventId,
      occurredAt: '2026-01-05T09:00:00.000Z',
      ...(schemaVersion === null ? {} : { schemaVersion }),
    };
    return { eventId, type, data, metadata };
  };
  return [
    // The oldest events carried no schema version at all.
    event('ContractCreated', { contractId, employerId: 'emp_1', trainerId: 'tr_1', projectName: 'Eval' }, null),
    event('MilestoneCreated', { ...ref, name: 'Batch 1', description: null, amount: usd(15_000), dueDate: null }, 1),
    event('MilestoneFundingRequested', { ...ref, employerId: 'emp_1', amount: usd(15_000), customerId: 'cus_1', paymentMethodId: 'pm_1' }, 1),
    event('MilestoneFunded', { ...ref, amount: usd(15_000), paymentIntentId: 'pi_1', chargeId: 'ch_1' }, 1),
    event('MilestoneDisputed', { ...ref, disputedBy: 'employer', reason: 'late', previousStatus: 'funded' }, 1),
  ];
}

describeEachDatabase('UpcastingEventStore', (target) => {
  const database = withDatabase(target);
  let db: SqlDb;
  let inner: PostgresEventStore;
  let store: UpcastingEventStore;

  beforeAll(async () => {
    db = database.db;
    inner = await PostgresEventStore.open(db);
    database.onClose(() => store.close());
    store = new UpcastingEventStore(inner);
  });

  async function givenStoredV1Dispute() {
    const contractId = randomUUID();
    await inner.append(contractStream(contractId), storedHistory(contractId), 'no_stream');
    return contractId;
  }

  function expectCurrentVersions(events: readonly RecordedEvent[]) {
    expect(events.map((e) => e.type)).toEqual(['ContractCreated', 'MilestoneCreated', 'MilestoneFundingRequested', 'MilestoneFunded', 'MilestoneDisputed']);
    const disputed = events[4]!;
    expect(disputed.data).toEqual(expect.objectContaining({ disputedBy: 'employer', chargeback: null }));
    expect(disputed.metadata).toEqual(expect.objectContaining({ schemaVersion: 2, upcastedFrom: 1 }));
    expect(events[0]!.metadata.schemaVersion).toBe(1);
    for (const event of events) {
      expect(validateEvent(event.type, event.metadata.schemaVersion as number, event.data)).toEqual([]);
      expect(validateMetadata(event.metadata)).toEqual([]);
    }
  }

  it('readStream returns a stored v1 MilestoneDisputed as v2; the stored event is not rewritten', async () => {
    const contractId = await givenStoredV1Dispute();
    expectCurrentVersions(await store.readStream(contractStream(contractId)));
    const [stored] = await inner.readStream(contractStream(contractId), { fromRevision: 4 });
    expect(stored!.data).not.toHaveProperty('chargeback');
    expect(stored!.metadata.schemaVersion).toBe(1);
  });

  it('readAll returns it as v2', async () => {
    const contractId = await givenStoredV1Dispute();
    const written = (await inner.readStream(contractStream(contractId))).length;
    // readAll shows a commit once older transactions on the server end (other suites share it).
    let read = await store.readAll({ fromPosition: null, limit: 100, filter: { streamPrefixes: [contractStream(contractId)] } });
    for (let tries = 0; read.length < written && tries < 500; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      read = await store.readAll({ fromPosition: null, limit: 100, filter: { streamPrefixes: [contractStream(contractId)] } });
    }
    expect(read).toHaveLength(written);
    expectCurrentVersions(read);
  });

  it('subscribe delivers it as v2, catch-up then live', async () => {
    const contractId = await givenStoredV1Dispute();
    const received: RecordedEvent[] = [];
    let allReceived!: () => void;
    const done = new Promise<void>((resolve) => (allReceived = resolve));
    const subscription = store.subscribe({ filter: { streamPrefixes: [contractStream(contractId)] } }, async (event) => {
      received.push(event);
      if (received.length === 6) allReceived();
    });
    // Live: appended through the decorator, which passes appends through unchanged.
    const resolved = await resolveDispute(contractId, await store.readStream(contractStream(contractId)));
    await done;
    await subscription.stop();
    expectCurrentVersions(received.slice(0, 5));
    expect(received[5]).toMatchObject({ type: 'MilestoneDisputeResolved', eventId: resolved.eventId, metadata: { schemaVersion: 1 } });
  });

  it('the domain evolves the upcast history and decides on it', async () => {
    const contractId = await givenStoredV1Dispute();
    const history = await store.readStream(contractStream(contractId));
    const state = history.reduce((s, e) => contractDecider.evolve(s, { type: e.type, data: e.data } as ContractEvent), contractDecider.initialState());
    expect(state).toMatchObject({ status: 'active', milestones: { m_1: { status: 'disputed', dispute: { previousStatus: 'funded', chargebackDisputeId: null } } } });
    const appended = await resolveDispute(contractId, history);
    expect(appended.type).toBe('MilestoneDisputeResolved');
    expect(validateEvent(appended.type, 1, appended.data)).toEqual([]);
  });

  async function resolveDispute(contractId: string, history: readonly RecordedEvent[]): Promise<EventToAppend> {
    const state = history.reduce((s, e) => contractDecider.evolve(s, { type: e.type, data: e.data } as ContractEvent), contractDecider.initialState());
    const command = {
      type: 'ResolveDispute',
      actor: support,
      data: { contractId, milestoneId: 'm_1', resolution: 'refund', trainerAmountCents: null, note: 'not delivered', feeBps: 0 },
    } as const;
    const [decided] = contractDecider.decide(command, state);
    const eventId = randomUUID();
    const event = {
      eventId,
      type: decided!.type,
      data: decided!.data,
      metadata: { eventId, contractId, actor: support, correlationId: eventId, causationId: eventId, occurredAt: new Date().toISOString(), schemaVersion: 1 },
    };
    await store.append(contractStream(contractId), [event], history.length - 1);
    return event;
  }
});
