import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import { contractStream, notFound, type Actor } from '@escrow/domain';
import { comparePositions, type EventStore, type RecordedEvent } from '@escrow/event-store';
import { foldContractView, renderCaseFilePdf, replayContract, type CaseFile } from '@escrow/projections/contract-replay';
import { contractResponse, contractViewProjection, findContractView, listContractViews, type ContractView } from '@escrow/projections/contract-view';
import { contractListFilter, contractListLimit, decodeContractCursor, encodeContractCursor, type ContractListQuery } from './contract-list';
import { describeBound, parseBound } from '../ledger/ledger.params';
import { loadCaseFile } from './case-file';
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

  /** The contracts the caller may read, latest activity first, a page at a time. */
  async list(actor: Actor, query: ContractListQuery) {
    const filter = contractListFilter(actor, query);
    const page = await listContractViews(this.db, filter, decodeContractCursor(query.after), contractListLimit(query.limit));
    return { contracts: page.views.map(contractResponse), next: page.next === null ? null : encodeContractCursor(page.next) };
  }

  async history(contractId: string, actor: Actor) {
    const events = await this.store.readStream(contractStream(contractId));
    requireContractReader(partiesFromStream(contractId, events), actor, contractViewModel.notAReader);
    return {
      contractId,
      events: events.map(({ type, data, metadata, revision, position, recordedAt }) => ({ type, data, metadata, revision, position, recordedAt })),
    };
  }

  /**
   * The contract as it stood at `asOf` (a global position: events at or before it; an instant: events
   * that occurred at or before it), folded from the log by the view's own fold, never read from the
   * read model. Access is checked on the whole stream first.
   */
  async contractAsOf(contractId: string, actor: Actor, rawAsOf: string, rawMinPosition: string | undefined) {
    if (rawMinPosition !== undefined) throw new BadRequestException('minPosition: not with asOf (asOf reads the log itself, nothing to wait for)');
    const asOf = parseBound(rawAsOf, 'asOf');
    if (asOf === null) throw new BadRequestException('asOf: is required');
    if (asOf.kind === 'position') {
      const head = await this.store.committedHeadPosition();
      if (comparePositions(asOf.position, head) > 0) {
        throw new BadRequestException(`asOf: beyond the end of the log (last position ${head ?? 'none: the log is empty'})`);
      }
    }
    const events = await this.readable(contractId, actor);
    const until = events.filter((event) => (asOf.kind === 'position' ? comparePositions(event.position, asOf.position) <= 0 : occurredAt(event) <= asOf.time));
    const record = foldContractView(until);
    if (record === null) throw notFound('contract_not_found', `contract ${contractId} did not exist as of ${describeBound(asOf)}`);
    return contractResponse(record.view);
  }

  /** The contract's history as steps: each event with the state after it, what changed and what it posted. */
  async replay(contractId: string, actor: Actor) {
    const events = await this.readable(contractId, actor);
    return { contractId, steps: replayContract(events) };
  }

  /** Support's case file of a contract: the JSON document, and the same as a PDF. */
  async caseFile(contractId: string, actor: Actor): Promise<CaseFile> {
    const events = await this.readable(contractId, actor);
    return loadCaseFile({ store: this.store, db: this.db }, contractId, events);
  }

  async caseFilePdf(contractId: string, actor: Actor): Promise<Buffer> {
    return renderCaseFilePdf(await this.caseFile(contractId, actor));
  }

  private async readable(contractId: string, actor: Actor): Promise<RecordedEvent[]> {
    const events = await this.store.readStream(contractStream(contractId));
    requireContractReader(partiesFromStream(contractId, events), actor, contractViewModel.notAReader);
    return events;
  }

  private deps() {
    return { db: this.db, store: this.store, readYourWritesTimeoutMs: this.config.readYourWritesTimeoutMs };
  }
}

function occurredAt(event: RecordedEvent): string {
  const value = event.metadata.occurredAt;
  return typeof value === 'string' ? value : event.recordedAt;
}
