import { ServiceUnavailableException } from '@nestjs/common';
import { assert, contractStream, domainEventOf, forbidden, notFound, type Actor } from '@escrow/domain';
import type { EventStore, RecordedEvent } from '@escrow/event-store';
import { ProjectorRunner } from '@escrow/projector';
import type { SqlDb } from '@escrow/sql';
import { checkedMinPosition } from './min-position';

export interface ContractParties {
  readonly employerId: string;
  readonly trainerId: string;
}

/** A read model with one row per contract, read by the contract's parties and staff. */
export interface ContractReadModel<Row extends ContractParties> {
  /** The projection's name, whose checkpoint read-your-writes waits for. */
  readonly projection: string;
  /** What it is called in messages ("the contract view"). */
  readonly title: string;
  /** The 403 message for a caller who is neither a party nor staff. */
  readonly notAReader: string;
  find(db: SqlDb, contractId: string): Promise<Row | null>;
}

export interface ContractReadDeps {
  readonly db: SqlDb;
  readonly store: EventStore;
  readonly readYourWritesTimeoutMs: number;
}

const staffRoles: ReadonlySet<string> = new Set(['support', 'finance', 'service']);

/**
 * The one way a per-contract read model is read: access is checked before any wait (a stranger
 * learns nothing by waiting); a contract written but not yet projected is waited for rather than
 * called unknown; `?minPosition=` waits for that write. The row is read again only after a wait.
 */
export async function readContractModel<Row extends ContractParties>(
  deps: ContractReadDeps,
  model: ContractReadModel<Row>,
  contractId: string,
  actor: Actor,
  rawMinPosition: string | undefined,
): Promise<Row> {
  const minPosition = await checkedMinPosition(deps.store, rawMinPosition);
  let row = await model.find(deps.db, contractId);
  let waited = false;
  if (!row) {
    const events = await deps.store.readStream(contractStream(contractId));
    requireContractReader(partiesFromStream(contractId, events), actor, model.notAReader);
    await waitForProjection(deps, model, events[events.length - 1]!.position);
    waited = true;
  } else {
    requireContractReader(row, actor, model.notAReader);
  }
  if (minPosition !== null) {
    await waitForProjection(deps, model, minPosition);
    waited = true;
  }
  if (waited) row = await model.find(deps.db, contractId);
  if (!row) throw notFound('contract_not_found', `contract ${contractId} does not exist`);
  return row;
}

const contractCreated: ReadonlySet<'ContractCreated'> = new Set(['ContractCreated']);

/** The parties, from the contract stream's first event; an empty stream is an unknown contract. */
export function partiesFromStream(contractId: string, events: readonly RecordedEvent[]): ContractParties {
  const first = events[0];
  if (!first) throw notFound('contract_not_found', `contract ${contractId} does not exist`);
  const created = domainEventOf(first, contractCreated);
  assert(created !== null, `contract ${contractId} starts with ContractCreated, not ${first.type}`);
  return created.data;
}

export function requireContractReader(contract: ContractParties, actor: Actor, message: string): void {
  if (staffRoles.has(actor.role)) return;
  if (actor.role === 'employer' && actor.id === contract.employerId) return;
  if (actor.role === 'trainer' && actor.id === contract.trainerId) return;
  throw forbidden('not_contract_party', message);
}

async function waitForProjection(deps: ContractReadDeps, model: ContractReadModel<ContractParties>, position: string): Promise<void> {
  const caughtUp = await ProjectorRunner.waitForPosition(deps.db, model.projection, position, deps.readYourWritesTimeoutMs);
  if (!caughtUp) {
    throw new ServiceUnavailableException(
      `minPosition: ${model.title} has not reached position ${position} within ${deps.readYourWritesTimeoutMs} ms; retry`,
    );
  }
}
