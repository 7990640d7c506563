import { contractStream, notFound } from '@escrow/domain';
import type { EventStore, RecordedEvent } from '@escrow/event-store';
import { buildCaseFile, replayContract, type CaseFile } from '@escrow/projections/contract-replay';
import { invoicePageSizeMax, listInvoices, type Invoice } from '@escrow/projections/invoices';
import type { SqlExecutor } from '@escrow/sql';

/**
 * A contract's case file (GET /v1/contracts/:cid/case-file and `npm run case-file`): its stream
 * replayed, plus its invoices as the invoices read model holds them. `events` when the caller has
 * read the stream already (to check access first).
 */
export async function loadCaseFile(deps: { store: EventStore; db: SqlExecutor }, contractId: string, events?: readonly RecordedEvent[]): Promise<CaseFile> {
  const stream = events ?? (await deps.store.readStream(contractStream(contractId)));
  if (stream.length === 0) throw notFound('contract_not_found', `contract ${contractId} does not exist`);
  const invoices: Invoice[] = [];
  for (let after: string | null = null; ; ) {
    const page = await listInvoices(deps.db, { contractId }, after, invoicePageSizeMax);
    invoices.push(...page.invoices);
    if (page.next === null) break;
    after = page.next;
  }
  return buildCaseFile(replayContract(stream), invoices);
}

export const caseFileName = (contractId: string, extension: 'json' | 'pdf') => `case-file-${contractId}.${extension}`;

