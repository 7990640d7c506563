import { assert } from '@escrow/domain';
import type { SqlExecutor } from '@escrow/sql';
import type { Invoice, InvoiceKind } from './invoice';
import { fromRow, invoiceColumns, type InvoiceRow } from './invoices.rows';

export { findInvoiceById as findInvoice } from './invoices.rows';

/** Which invoices to list; every field present narrows the list (AND). */
export interface InvoiceFilter {
  readonly contractId?: string;
  readonly employerId?: string;
  readonly trainerId?: string;
  readonly kind?: InvoiceKind;
}

/** One page at most: a list request (and each step of the CSV stream) reads no more than this. */
export const invoicePageSizeMax = 500;

export interface InvoicePage {
  readonly invoices: Invoice[];
  /** Pass as `after` for the next page; null when this page is the last. */
  readonly next: string | null;
}

/** Invoices in issue order (the log order of their events), after the `after` cursor. */
export async function listInvoices(db: SqlExecutor, filter: InvoiceFilter, after: string | null, limit: number): Promise<InvoicePage> {
  assert(Number.isInteger(limit) && limit >= 1 && limit <= invoicePageSizeMax, `page size ${limit} is 1..${invoicePageSizeMax}`);
  const conditions: string[] = [];
  const params: unknown[] = [];
  const where = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    params.push(value);
    conditions.push(`${column} = $${params.length}`);
  };
  where('i.contract_id', filter.contractId);
  where('i.employer_id', filter.employerId);
  where('i.trainer_id', filter.trainerId);
  where('i.kind', filter.kind);
  if (after !== null) {
    params.push(after);
    conditions.push(`i.position collate "C" > $${params.length}`);
  }
  // One more than asked tells whether another page follows without a count query.
  params.push(limit + 1);
  const { rows } = await db.query<InvoiceRow>(
    `select ${invoiceColumns} from invoices i
     ${conditions.length > 0 ? `where ${conditions.join(' and ')}` : ''}
     order by i.position collate "C"
     limit $${params.length}`,
    params,
  );
  const invoices = rows.slice(0, limit).map(fromRow);
  const last = invoices[invoices.length - 1];
  return { invoices, next: rows.length > limit && last ? last.position : null };
}
