import { assert, assertNever, type MilestoneFunded, type MilestonePayoutCompleted, type MilestoneRefunded } from '@escrow/domain';
import type { RecordedEvent } from '@escrow/event-store';
import type { Projection } from '@escrow/projector';
import type { SqlExecutor } from '@escrow/sql';
import type { Invoice } from './invoice';
import { invoiceIdFor } from './invoice-numbering';
import {
  contractFacts,
  evolveMilestoneFacts,
  fundingInvoice,
  numbered,
  payoutInvoice,
  refunded,
  toSourceEvent,
  type ContractFacts,
  type FactEvent,
  type InvoiceDraft,
  type MilestoneFacts,
  type SourceEvent,
} from './invoices.evolve';
import { findInvoicesByIds, insertInvoices, loadSequences, saveSequences, updateRefunds } from './invoices.rows';
import { invoicesSchema, invoiceTables } from './invoices.schema';

/**
 * Employer funding invoices (one per MilestoneFunded) and trainer payout invoices (one per
 * MilestonePayoutCompleted). Runs in the projector's transaction: the number counter, the invoice
 * and the checkpoint commit together, which is what makes numbering gap-free and replayable.
 *
 * A batch loads what its events touch (one query per table), folds the events in order in
 * memory, and writes the last state of every changed row (one statement per table): the same
 * rows, numbers and assertions as applying the events one by one.
 */
export const invoicesProjection: Projection = {
  name: 'invoices',
  schema: invoicesSchema,
  tables: invoiceTables,
  applyBatch: applyInvoiceEvents,
};

async function applyInvoiceEvents(tx: SqlExecutor, events: readonly RecordedEvent[]): Promise<void> {
  // An event that cannot be read fails the batch, but only after the events before it, so the
  // first failure in log order is the one reported (as when applying them one by one).
  const sources: SourceEvent[] = [];
  let unreadable: { error: unknown } | null = null;
  for (const recorded of events) {
    try {
      const source = toSourceEvent(recorded);
      if (source) sources.push(source);
    } catch (error) {
      unreadable = { error };
      break;
    }
  }
  if (sources.length > 0) {
    const state = await InvoicesBatch.load(tx, sources);
    for (const source of sources) state.apply(source);
    await state.save(tx);
  }
  if (unreadable) throw unreadable.error;
}

type MilestoneKey = string;
interface MilestoneRef {
  readonly contractId: string;
  readonly milestoneId: string;
}
const milestoneKey = (contractId: string, milestoneId: string): MilestoneKey => `${contractId.length}:${contractId}${milestoneId}`;

/** The rows a batch touches, as loaded and then as its events leave them. I/O only in load and save. */
class InvoicesBatch {
  private readonly newContracts = new Map<string, ContractFacts>();
  private readonly changedMilestones = new Map<MilestoneKey, MilestoneRef>();
  private readonly changedInvoices = new Set<string>();
  private readonly changedSeries = new Set<string>();
  /** Invoices stored before this batch: a refund updates them; the others are inserted. */
  private readonly storedInvoiceIds: ReadonlySet<string>;

  private constructor(
    private readonly contracts: Map<string, ContractFacts>,
    private readonly milestones: Map<MilestoneKey, MilestoneFacts>,
    private readonly invoices: Map<string, Invoice>,
    private readonly lastSequences: Map<string, number>,
  ) {
    this.storedInvoiceIds = new Set(invoices.keys());
  }

  static async load(tx: SqlExecutor, sources: readonly SourceEvent[]): Promise<InvoicesBatch> {
    const contractIds = new Set<string>();
    const milestoneKeys = new Map<MilestoneKey, MilestoneRef>();
    const issuingInvoiceIds = new Set<string>();
    const refundedMilestones = new Set<MilestoneKey>();
    let issues = false;
    for (const { event, eventId } of sources) {
      // Contracts are read by their creation (the first one wins) and by issuing events only.
      if (event.type === 'ContractCreated' || event.type === 'MilestoneFunded' || event.type === 'MilestonePayoutCompleted') {
        contractIds.add(event.data.contractId);
      }
      if (event.type === 'ContractCreated') continue;
      const { contractId, milestoneId } = event.data;
      const key = milestoneKey(contractId, milestoneId);
      milestoneKeys.set(key, { contractId, milestoneId });
      if (event.type === 'MilestoneFunded' || event.type === 'MilestonePayoutCompleted') {
        issues = true;
        const id = invoiceIdOrNull(eventId);
        if (id) issuingInvoiceIds.add(id);
      }
      if (event.type === 'MilestoneRefunded') refundedMilestones.add(key);
    }
    const contracts = await loadContracts(tx, [...contractIds]);
    const milestones = await loadMilestones(tx, [...milestoneKeys.values()]);
    // A refund applies to the invoice its milestone's funding issued: stored, or issued in this batch.
    const invoiceIds = new Set(issuingInvoiceIds);
    for (const key of refundedMilestones) {
      const fundingInvoiceId = milestones.get(key)?.fundingInvoiceId;
      if (fundingInvoiceId) invoiceIds.add(fundingInvoiceId);
    }
    const invoices = await findInvoicesByIds(tx, [...invoiceIds]);
    const lastSequences = issues ? await loadSequences(tx) : new Map<string, number>();
    return new InvoicesBatch(contracts, milestones, invoices, lastSequences);
  }

  apply(source: SourceEvent): void {
    switch (source.type) {
      case 'ContractCreated':
        return this.saveContract(contractFacts(source.event));
      case 'MilestoneCreated':
      case 'MilestoneApproved':
      case 'MilestoneDisputeResolved':
        this.evolveFacts(source);
        return;
      case 'MilestoneFunded':
        return this.issueFunding(source);
      case 'MilestonePayoutCompleted':
        return this.issuePayout(source);
      case 'MilestoneRefunded':
        return this.applyRefund(source);
      default:
        return assertNever(source, 'invoice event');
    }
  }

  async save(tx: SqlExecutor): Promise<void> {
    await insertContracts(tx, [...this.newContracts.values()]);
    await saveMilestones(tx, [...this.changedMilestones].map(([key, ref]) => ({ ...ref, facts: this.milestones.get(key)! })));
    await saveSequences(tx, new Map([...this.changedSeries].map((series) => [series, this.lastSequences.get(series)!])));
    const changed = [...this.changedInvoices].map((id) => this.invoices.get(id)!);
    await insertInvoices(tx, changed.filter((invoice) => !this.storedInvoiceIds.has(invoice.id)));
    await updateRefunds(tx, changed.filter((invoice) => this.storedInvoiceIds.has(invoice.id)));
  }

  private issueFunding(source: SourceEvent<MilestoneFunded>): void {
    const milestone = this.evolveFacts(source);
    const contract = this.contract(source.event.data.contractId);
    this.issue(fundingInvoice(contract, milestone, source));
  }

  private issuePayout(source: SourceEvent<MilestonePayoutCompleted>): void {
    const { contractId, milestoneId } = source.event.data;
    const milestone = this.milestone(contractId, milestoneId);
    assert(milestone !== null, `paid milestone ${milestoneId} was created`);
    this.issue(payoutInvoice(this.contract(contractId), milestone, source));
  }

  private applyRefund(source: SourceEvent<MilestoneRefunded>): void {
    const { contractId, milestoneId } = source.event.data;
    const milestone = this.milestone(contractId, milestoneId);
    assert(milestone?.fundingInvoiceId, `refunded milestone ${milestoneId} has a funding invoice`);
    const invoice = this.invoices.get(milestone.fundingInvoiceId);
    assert(invoice !== undefined, `funding invoice ${milestone.fundingInvoiceId} exists`);
    this.putInvoice(refunded(invoice, source));
  }

  private issue(draft: InvoiceDraft): void {
    // The runner applies each event once; should it ever repeat one, taking a second number would
    // leave a gap, so an invoice already issued by this event is left as it is.
    if (this.invoices.has(draft.id)) return;
    this.putInvoice(numbered(draft, this.nextSequence(draft.series)));
  }

  /** The next number of `series`: counted in order through the batch, stored with its invoices. */
  private nextSequence(series: string): number {
    const sequence = (this.lastSequences.get(series) ?? 0) + 1;
    this.lastSequences.set(series, sequence);
    this.changedSeries.add(series);
    return sequence;
  }

  private putInvoice(invoice: Invoice): void {
    this.invoices.set(invoice.id, invoice);
    this.changedInvoices.add(invoice.id);
  }

  /** The first ContractCreated of a contract wins (the stored row was `on conflict do nothing`). */
  private saveContract(facts: ContractFacts): void {
    if (this.contracts.has(facts.contractId)) return;
    this.contracts.set(facts.contractId, facts);
    this.newContracts.set(facts.contractId, facts);
  }

  private contract(contractId: string): ContractFacts {
    const contract = this.contracts.get(contractId);
    assert(contract !== undefined, `contract ${contractId} was created before its milestones were invoiced`);
    return contract;
  }

  private evolveFacts(source: SourceEvent<FactEvent>): MilestoneFacts {
    const { contractId, milestoneId } = source.event.data;
    const facts = evolveMilestoneFacts(this.milestone(contractId, milestoneId), source);
    const key = milestoneKey(contractId, milestoneId);
    this.milestones.set(key, facts);
    this.changedMilestones.set(key, { contractId, milestoneId });
    return facts;
  }

  private milestone(contractId: string, milestoneId: string): MilestoneFacts | null {
    return this.milestones.get(milestoneKey(contractId, milestoneId)) ?? null;
  }
}

/** An id the event cannot name an invoice with fails later, in the fold, at that event's turn. */
function invoiceIdOrNull(eventId: string): string | null {
  try {
    return invoiceIdFor(eventId);
  } catch {
    return null;
  }
}

async function loadContracts(tx: SqlExecutor, contractIds: readonly string[]): Promise<Map<string, ContractFacts>> {
  const contracts = new Map<string, ContractFacts>();
  if (contractIds.length === 0) return contracts;
  const { rows } = await tx.query<{ contract_id: string; project_name: string; employer_id: string; trainer_id: string }>(
    'select contract_id, project_name, employer_id, trainer_id from invoice_contracts where contract_id = any($1::text[])',
    [contractIds],
  );
  for (const row of rows) {
    contracts.set(row.contract_id, { contractId: row.contract_id, projectName: row.project_name, employerId: row.employer_id, trainerId: row.trainer_id });
  }
  return contracts;
}

async function insertContracts(tx: SqlExecutor, contracts: readonly ContractFacts[]): Promise<void> {
  if (contracts.length === 0) return;
  await tx.query(
    `insert into invoice_contracts (contract_id, project_name, employer_id, trainer_id)
     select * from unnest($1::text[], $2::text[], $3::text[], $4::text[])
     on conflict (contract_id) do nothing`,
    [contracts.map((c) => c.contractId), contracts.map((c) => c.projectName), contracts.map((c) => c.employerId), contracts.map((c) => c.trainerId)],
  );
}

async function loadMilestones(
  tx: SqlExecutor,
  keys: readonly MilestoneRef[],
): Promise<Map<MilestoneKey, MilestoneFacts>> {
  const milestones = new Map<MilestoneKey, MilestoneFacts>();
  if (keys.length === 0) return milestones;
  const { rows } = await tx.query<{ contract_id: string; milestone_id: string; facts: MilestoneFacts }>(
    `select m.contract_id, m.milestone_id, m.facts
     from invoice_milestones m join unnest($1::text[], $2::text[]) as k(contract_id, milestone_id)
       on m.contract_id = k.contract_id and m.milestone_id = k.milestone_id`,
    [keys.map((k) => k.contractId), keys.map((k) => k.milestoneId)],
  );
  for (const row of rows) milestones.set(milestoneKey(row.contract_id, row.milestone_id), row.facts);
  return milestones;
}

async function saveMilestones(tx: SqlExecutor, milestones: readonly (MilestoneRef & { facts: MilestoneFacts })[]): Promise<void> {
  if (milestones.length === 0) return;
  await tx.query(
    `insert into invoice_milestones (contract_id, milestone_id, facts)
     select contract_id, milestone_id, facts::jsonb from unnest($1::text[], $2::text[], $3::text[]) as x(contract_id, milestone_id, facts)
     on conflict (contract_id, milestone_id) do update set facts = excluded.facts`,
    [milestones.map((m) => m.contractId), milestones.map((m) => m.milestoneId), milestones.map((m) => JSON.stringify(m.facts))],
  );
}
