import { assert, assertNever, type MilestoneFunded, type MilestonePayoutCompleted, type MilestoneRefunded } from '@escrow/domain';
import type { RecordedEvent } from '@escrow/event-store';
import type { Projection } from '@escrow/projector';
import type { SqlExecutor } from '@escrow/sql';
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
import { findInvoiceById, insertInvoice, nextSequence, updateRefunds } from './invoices.rows';
import { invoicesSchema, invoiceTables } from './invoices.schema';

/**
 * Employer funding invoices (one per MilestoneFunded) and trainer payout invoices (one per
 * MilestonePayoutCompleted). Runs in the projector's transaction: the number counter, the invoice
 * and the checkpoint commit together, which is what makes numbering gap-free and replayable.
 */
export const invoicesProjection: Projection = {
  name: 'invoices',
  schema: invoicesSchema,
  tables: invoiceTables,
  async apply(tx: SqlExecutor, recorded: RecordedEvent) {
    const source = toSourceEvent(recorded);
    if (!source) return;
    const { event } = source;
    switch (event.type) {
      case 'ContractCreated':
        return saveContract(tx, contractFacts(event));
      case 'MilestoneCreated':
      case 'MilestoneApproved':
      case 'MilestoneDisputeResolved':
        await evolveFacts(tx, source as SourceEvent<FactEvent>);
        return;
      case 'MilestoneFunded':
        return issueFunding(tx, source as SourceEvent<MilestoneFunded>);
      case 'MilestonePayoutCompleted':
        return issuePayout(tx, source as SourceEvent<MilestonePayoutCompleted>);
      case 'MilestoneRefunded':
        return applyRefund(tx, source as SourceEvent<MilestoneRefunded>);
      default:
        return assertNever(event, 'invoice event');
    }
  },
};

async function issueFunding(tx: SqlExecutor, source: SourceEvent<MilestoneFunded>): Promise<void> {
  const milestone = await evolveFacts(tx, source);
  const contract = await loadContract(tx, source.event.data.contractId);
  await issue(tx, fundingInvoice(contract, milestone, source));
}

async function issuePayout(tx: SqlExecutor, source: SourceEvent<MilestonePayoutCompleted>): Promise<void> {
  const { contractId, milestoneId } = source.event.data;
  const milestone = await loadMilestone(tx, contractId, milestoneId);
  assert(milestone !== null, `paid milestone ${milestoneId} was created`);
  await issue(tx, payoutInvoice(await loadContract(tx, contractId), milestone, source));
}

async function applyRefund(tx: SqlExecutor, source: SourceEvent<MilestoneRefunded>): Promise<void> {
  const { contractId, milestoneId } = source.event.data;
  const milestone = await loadMilestone(tx, contractId, milestoneId);
  assert(milestone?.fundingInvoiceId, `refunded milestone ${milestoneId} has a funding invoice`);
  const invoice = await findInvoiceById(tx, milestone.fundingInvoiceId);
  assert(invoice !== null, `funding invoice ${milestone.fundingInvoiceId} exists`);
  await updateRefunds(tx, refunded(invoice, source));
}

async function issue(tx: SqlExecutor, draft: InvoiceDraft): Promise<void> {
  // The runner applies each event once; should it ever repeat one, taking a second number would
  // leave a gap, so an invoice already issued by this event is left as it is.
  if (await findInvoiceById(tx, draft.id)) return;
  await insertInvoice(tx, numbered(draft, await nextSequence(tx, draft.series)));
}

async function saveContract(tx: SqlExecutor, facts: ContractFacts): Promise<void> {
  await tx.query(
    `insert into invoice_contracts (contract_id, project_name, employer_id, trainer_id) values ($1, $2, $3, $4)
     on conflict (contract_id) do nothing`,
    [facts.contractId, facts.projectName, facts.employerId, facts.trainerId],
  );
}

async function loadContract(tx: SqlExecutor, contractId: string): Promise<ContractFacts> {
  const { rows } = await tx.query<{ project_name: string; employer_id: string; trainer_id: string }>(
    'select project_name, employer_id, trainer_id from invoice_contracts where contract_id = $1',
    [contractId],
  );
  const row = rows[0];
  assert(row !== undefined, `contract ${contractId} was created before its milestones were invoiced`);
  return { contractId, projectName: row.project_name, employerId: row.employer_id, trainerId: row.trainer_id };
}

async function evolveFacts(tx: SqlExecutor, source: SourceEvent<FactEvent>): Promise<MilestoneFacts> {
  const { contractId, milestoneId } = source.event.data;
  const facts = evolveMilestoneFacts(await loadMilestone(tx, contractId, milestoneId), source);
  await tx.query(
    `insert into invoice_milestones (contract_id, milestone_id, facts) values ($1, $2, $3::jsonb)
     on conflict (contract_id, milestone_id) do update set facts = excluded.facts`,
    [contractId, milestoneId, JSON.stringify(facts)],
  );
  return facts;
}

async function loadMilestone(tx: SqlExecutor, contractId: string, milestoneId: string): Promise<MilestoneFacts | null> {
  const { rows } = await tx.query<{ facts: MilestoneFacts }>(
    'select facts from invoice_milestones where contract_id = $1 and milestone_id = $2',
    [contractId, milestoneId],
  );
  return rows[0]?.facts ?? null;
}
