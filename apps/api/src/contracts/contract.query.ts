import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { contractStream, forbidden, notFound, type Actor } from '@escrow/domain';
import type { EventStore } from '@escrow/event-store';
import { checkedMinPosition } from '../http/min-position';
import { contractResponse, contractViewProjection, findContractView, type ContractView } from '@escrow/projections/contract-view';
import { ProjectorRunner } from '@escrow/projector';
import { APP_CONFIG, EVENT_STORE, SQL_DB, type AppConfig } from '@escrow/runtime';
import type { SqlDb } from '@escrow/sql';

const staffRoles = new Set(['support', 'finance', 'service']);

/** Reads for one contract: its view (optionally after a given position) and its audit history. */
@Injectable()
export class ContractQueries {
  constructor(
    @Inject(SQL_DB) private readonly db: SqlDb,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Access is checked before `minPosition` is waited for: a stranger learns nothing by waiting. */
  async contract(contractId: string, actor: Actor, rawMinPosition?: string) {
    const minPosition = await checkedMinPosition(this.store, rawMinPosition);
    let view = await findContractView(this.db, contractId);
    if (!view) {
      // Written but not yet projected: wait for the view instead of calling it unknown.
      const events = await this.store.readStream(contractStream(contractId));
      const created = events[0];
      const last = events[events.length - 1];
      if (!created || !last) throw notFound('contract_not_found', `contract ${contractId} does not exist`);
      this.requireReader(created.data as Pick<ContractView, 'employerId' | 'trainerId'>, actor);
      await this.waitFor(last.position);
    } else {
      this.requireReader(view, actor);
    }
    if (minPosition !== null) await this.waitFor(minPosition);
    view = await findContractView(this.db, contractId);
    if (!view) throw notFound('contract_not_found', `contract ${contractId} does not exist`);
    return contractResponse(view);
  }

  async history(contractId: string, actor: Actor) {
    const events = await this.store.readStream(contractStream(contractId));
    const created = events[0];
    if (!created) throw notFound('contract_not_found', `contract ${contractId} does not exist`);
    this.requireReader(created.data as Pick<ContractView, 'employerId' | 'trainerId'>, actor);
    return {
      contractId,
      events: events.map(({ type, data, metadata, revision, position, recordedAt }) => ({ type, data, metadata, revision, position, recordedAt })),
    };
  }

  private async waitFor(position: string) {
    const caughtUp = await ProjectorRunner.waitForPosition(this.db, contractViewProjection.name, position, this.config.readYourWritesTimeoutMs);
    if (!caughtUp) {
      throw new ServiceUnavailableException(
        `minPosition: the contract view has not reached position ${position} within ${this.config.readYourWritesTimeoutMs} ms; retry`,
      );
    }
  }

  private requireReader(contract: Pick<ContractView, 'employerId' | 'trainerId'>, actor: Actor) {
    if (staffRoles.has(actor.role)) return;
    if (actor.role === 'employer' && actor.id === contract.employerId) return;
    if (actor.role === 'trainer' && actor.id === contract.trainerId) return;
    throw forbidden('not_contract_party', 'only the contract parties, support, finance and services can read this contract');
  }
}
