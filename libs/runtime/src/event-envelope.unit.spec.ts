import { usd, type Actor } from '@escrow/domain';
import { currentSchemaVersion, validateEvent, validateMetadata } from '@escrow/event-schemas';
import type { AppendResult, EventStore, EventToAppend, ExpectedRevision, RecordedEvent } from '@escrow/event-store';
import { CommandHandling } from './command-handling';
import { deterministicId } from './ids';

const employer: Actor = { role: 'employer', id: 'emp_1' };
const trainer: Actor = { role: 'trainer', id: 'tr_1' };
const service: Actor = { role: 'service', id: 'payment-saga' };

/** Only what CommandHandling uses: read a stream, append to it. Everything appended is kept as written. */
class AppendRecorder implements Pick<EventStore, 'readStream' | 'append'> {
  readonly appended: EventToAppend[] = [];
  private readonly streams = new Map<string, RecordedEvent[]>();

  async readStream(streamId: string): Promise<RecordedEvent[]> {
    return [...(this.streams.get(streamId) ?? [])];
  }

  async append(streamId: string, events: readonly EventToAppend[], _expected: ExpectedRevision): Promise<AppendResult> {
    const stream = this.streams.get(streamId) ?? [];
    for (const event of events) {
      this.appended.push(event);
      const position = String(this.appended.length).padStart(20, '0');
      stream.push({ ...event, streamId, revision: stream.length, position, recordedAt: '2026-11-23T10:00:00.000Z' });
    }
    this.streams.set(streamId, stream);
    return { nextExpectedRevision: stream.length - 1, position: stream.at(-1)!.position, duplicate: false };
  }
}

describe('the event envelope CommandHandling writes', () => {
  const store = new AppendRecorder();
  const commands = new CommandHandling(store as unknown as EventStore, { now: () => new Date('2026-11-23T10:00:00.000Z') });
  const context = (actor: Actor) => ({ actor, correlationId: 'req-1', causationId: 'req-1' });
  const contractId = 'c_1';
  const milestoneId = 'm_1';

  beforeAll(async () => {
    await commands.employer('emp_1', { type: 'AttachPaymentMethod', actor: employer, data: { employerId: 'emp_1', customerId: 'cus_1', paymentMethodId: 'pm_1' } }, context(employer));
    await commands.trainer('tr_1', { type: 'ConnectPayoutAccount', actor: trainer, data: { trainerId: 'tr_1', accountId: 'acct_1', payoutsEnabled: true, country: 'US' } }, context(trainer));
    const firstMilestone = { name: 'Batch 1', description: null, amount: usd(15_000), dueDate: '2026-12-31' };
    await commands.contract(contractId, { type: 'HireTrainer', actor: employer, data: { contractId, milestoneId, trainerId: 'tr_1', projectName: 'Eval', firstMilestone } }, context(employer));
    const paymentMethod = { customerId: 'cus_1', paymentMethodId: 'pm_1' };
    await commands.contract(contractId, { type: 'RequestFunding', actor: employer, data: { contractId, milestoneId, paymentMethod } }, context(employer));
    // A saga outcome: its event id is derived from the event that caused it.
    await commands.contract(
      contractId,
      { type: 'RecordFunded', actor: service, data: { contractId, milestoneId, paymentIntentId: 'pi_1', chargeId: 'ch_1', amountCents: 15_000 } },
      { ...context(service), eventIds: [deterministicId('funded:m_1')] },
    );
    await commands.contract(contractId, { type: 'Dispute', actor: trainer, data: { contractId, milestoneId, reason: 'no reply' } }, context(trainer));
  });

  it('wrote the events this spec drives', () => {
    expect(store.appended.map((e) => e.type)).toEqual([
      'EmployerPaymentMethodAttached',
      'TrainerPayoutAccountConnected',
      'ContractCreated',
      'MilestoneCreated',
      'MilestoneFundingRequested',
      'MilestoneFunded',
      'MilestoneDisputed',
    ]);
  });

  it('conforms to the published metadata schema', () => {
    for (const event of store.appended) expect({ type: event.type, errors: validateMetadata(event.metadata) }).toEqual({ type: event.type, errors: [] });
  });

  it("stamps each event with its own type's current schema version, and its data conforms to that schema", () => {
    for (const { type, data, metadata } of store.appended) {
      expect({ type, schemaVersion: metadata.schemaVersion }).toEqual({ type, schemaVersion: currentSchemaVersion(type) });
      expect({ type, errors: validateEvent(type, currentSchemaVersion(type), data) }).toEqual({ type, errors: [] });
    }
    expect(store.appended.find((e) => e.type === 'MilestoneDisputed')!.metadata.schemaVersion).toBe(2);
    expect(store.appended.find((e) => e.type === 'ContractCreated')!.metadata.schemaVersion).toBe(1);
  });

  it('names the event, its stream owners, the actor, the request and the time', () => {
    const disputed = store.appended.find((e) => e.type === 'MilestoneDisputed')!;
    expect(disputed.metadata).toEqual({
      eventId: disputed.eventId,
      contractId,
      milestoneId,
      actor: trainer,
      correlationId: 'req-1',
      causationId: 'req-1',
      occurredAt: '2026-11-23T10:00:00.000Z',
      schemaVersion: 2,
    });
  });
});
