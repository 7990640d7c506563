import { assert, evolve, initialState, isContractEvent, type ContractEvent } from '@escrow/domain';
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

export function toViewEvent(recorded: { type: string; data: unknown; metadata: Record<string, unknown>; position: string }): ViewEvent | null {
  const event = { type: recorded.type, data: recorded.data } as ContractEvent;
  if (!isContractEvent(event)) return null;
  const occurredAt = recorded.metadata.occurredAt;
  assert(typeof occurredAt === 'string', `event at ${recorded.position} has occurredAt`);
  return { event, occurredAt, position: recorded.position };
}
