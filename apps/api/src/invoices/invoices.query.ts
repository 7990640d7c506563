import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import type { Actor } from '@escrow/domain';
import {
  csvHeader,
  csvRow,
  findInvoice,
  invoicePageSizeMax,
  invoiceResponse,
  listInvoices,
  renderInvoicePdf,
  type Invoice,
  type InvoiceFilter,
} from '@escrow/projections/invoices';
import { SQL_DB } from '@escrow/runtime';
import type { SqlDb } from '@escrow/sql';
import { requireReadable, scopedFilter } from './invoice-access';
import { invoiceListLimitDefault, type InvoiceFilterQuery, type InvoiceListQuery } from './invoices.dtos';

/** Reads of the invoices read model, with the caller's access applied. */
@Injectable()
export class InvoiceQueries {
  constructor(@Inject(SQL_DB) private readonly db: SqlDb) {}

  async list(actor: Actor, query: InvoiceListQuery) {
    const limit = query.limit === undefined ? invoiceListLimitDefault : Number(query.limit);
    if (limit > invoicePageSizeMax) throw new BadRequestException(`limit: must be a whole number from 1 to ${invoicePageSizeMax}`);
    const page = await listInvoices(this.db, scopedFilter(actor, filterOf(query)), query.after ?? null, limit);
    return { invoices: page.invoices.map(invoiceResponse), next: page.next };
  }

  async one(actor: Actor, id: string): Promise<Invoice> {
    return requireReadable(actor, id, await findInvoice(this.db, id));
  }

  async pdf(actor: Actor, id: string): Promise<{ invoice: Invoice; pdf: Buffer }> {
    const invoice = await this.one(actor, id);
    return { invoice, pdf: await renderInvoicePdf(invoice) };
  }

  /**
   * The CSV in pages of `invoicePageSizeMax`, each read as its own short query, so an export of
   * any size holds neither a transaction nor the whole list in memory. Access is checked before
   * the first byte is written, so a refusal is still a proper JSON error.
   */
  csvPages(actor: Actor, query: InvoiceFilterQuery): AsyncGenerator<string> {
    const filter = scopedFilter(actor, filterOf(query));
    const db = this.db;
    return (async function* () {
      yield csvHeader();
      let after: string | null = null;
      do {
        const page = await listInvoices(db, filter, after, invoicePageSizeMax);
        // An empty chunk would stall a byte stream; an empty page writes nothing.
        if (page.invoices.length > 0) yield page.invoices.map(csvRow).join('');
        after = page.next;
      } while (after !== null);
    })();
  }
}

function filterOf(query: InvoiceFilterQuery): InvoiceFilter {
  return {
    ...(query.contractId !== undefined ? { contractId: query.contractId } : {}),
    ...(query.employerId !== undefined ? { employerId: query.employerId } : {}),
    ...(query.trainerId !== undefined ? { trainerId: query.trainerId } : {}),
    ...(query.kind !== undefined ? { kind: query.kind } : {}),
  };
}
