import { Inject, Injectable } from '@nestjs/common';
import { contractStream, type Actor } from '@escrow/domain';
import type { EventStore } from '@escrow/event-store';
import { contractResponse, contractViewProjection, findContractView, type ContractView } from '@escrow/projections/contract-view';
import { partiesFromStream, readContractModel, requireContractReader, type ContractReadModel } from '../http/contract-reads';
import { APP_CONFIG, EVENT_STORE, SQL_DB, type AppConfig } from '@escrow/runtime';
import type { SqlDb } from '@escrow/sql';

const contractViewModel: ContractReadModel<ContractView> = {
  projection: contractViewProjection.name,
  title: 'the contract view',
  notAReader: 'only the contract parties, support, finance and services can read this contract',
  find: findContractView,
};

/** Reads for one contract: its view (optionally after a given position) and its audit history. */
@Injectable()
export class ContractQueries {
  constructor(
    @Inject(SQL_DB) private readonly db: SqlDb,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  contract(contractId: string, actor: Actor, rawMinPosition?: string) {
    return readContractModel(this.deps(), contractViewModel, contractId, actor, rawMinPosition).then(contractResponse);
  }

  async history(contractId: string, actor: Actor) {
    const events = await this.store.readStream(contractStream(contractId));
    requireContractReader(partiesFromStream(contractId, events), actor, contractViewModel.notAReader);
    return {
      contractId,
      events: events.map(({ type, data, metadata, revision, position, recordedAt }) => ({ type, data, metadata, revision, position, recordedAt })),
    };
  }

  private deps() {
    return { db: this.db, store: this.store, readYourWritesTimeoutMs: this.config.readYourWritesTimeoutMs };
  }
}
