import { assert } from '@escrow/domain';
import { pageOf, SqlConditions, type SqlExecutor } from '@escrow/sql';
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
  const conditions = new SqlConditions()
    .equals('i.contract_id', filter.contractId)
    .equals('i.employer_id', filter.employerId)
    .equals('i.trainer_id', filter.trainerId)
    .equals('i.kind', filter.kind);
  if (after !== null) conditions.add(`i.position collate "C" > ${conditions.param(after)}`);
  const { rows } = await db.query<InvoiceRow>(
    `select ${invoiceColumns} from invoices i ${conditions.where}
     order by i.position collate "C"
     limit ${conditions.param(limit + 1)}`,
    conditions.params,
  );
  const page = pageOf(rows.map(fromRow), limit, (last) => last.position);
  return { invoices: page.rows, next: page.next };
}
