import { assert, contractEventTypes, evolve, initialState, readDomainEvent, type ContractEvent } from '@escrow/domain';
import type { RecordedEvent } from '@escrow/event-store';
import { withEventFacts } from './contract-view.facts';
import { domainMilestone, viewOf } from './contract-view.from-domain';
import type { ContractViewRecord, ViewEvent } from './contract-view.model';

/**
 * Pure: the record before an event (null for a new contract) and the event → the record after.
 * The domain's `evolve` folds the event into the contract's state; the view takes the facts the
 * event states and reads statuses and amounts from that state, never working them out itself.
 */
export function evolveContractView(record: ContractViewRecord | null, viewEvent: ViewEvent): ContractViewRecord {
  const state = evolve(record?.state ?? initialState(), viewEvent.event);
  assert(state.status !== 'none', `contract ${viewEvent.event.data.contractId} exists after ${viewEvent.event.type}`);
  const facts = withEventFacts(record?.view ?? null, viewEvent, (milestoneId) => domainMilestone(state, milestoneId));
  return { view: viewOf(facts, state), state };
}

const contractEvents: ReadonlySet<ContractEvent['type']> = new Set(contractEventTypes);

/** The stored event as the view reads it, or null for events of other streams (billing, other writers). */
export function toViewEvent(recorded: RecordedEvent): ViewEvent | null {
  const record = readDomainEvent(recorded, contractEvents);
  if (record === null) return null;
  return { event: record.event, occurredAt: record.occurredAt, position: record.position };
}
