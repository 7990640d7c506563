import { Controller, Get, Header, Param, Query, StreamableFile } from '@nestjs/common';
import type { Actor } from '@escrow/domain';
import { invoiceResponse } from '@escrow/projections/invoices';
import { Readable } from 'node:stream';
import { CurrentActor, Roles } from '../auth/auth.guard';
import { PathId } from '../http/path-id.pipe';
import { invoiceReaderRoles } from './invoice-access';
import { InvoiceQueries } from './invoices.query';
import { InvoiceFilterQuery, InvoiceListQuery } from './invoices.dtos';

/**
 * Invoices: employers read their funding invoices and the payout invoices of their contracts
 * (listed with `kind=trainer_payout`), trainers their payout invoices, finance and support all of
 * them (`invoice-access.ts`). Route order matters: Express tries routes in the order they are declared
 * here, so `invoices.csv` and `invoices/:id.pdf` come before `invoices/:id`, which would
 * otherwise take "inv_….pdf" as an id.
 */
@Controller('v1')
export class InvoicesController {
  constructor(private readonly invoices: InvoiceQueries) {}

  @Get('invoices')
  @Roles(...invoiceReaderRoles)
  list(@Query() query: InvoiceListQuery, @CurrentActor() actor: Actor) {
    return this.invoices.list(actor, query);
  }

  @Get('invoices.csv')
  @Roles(...invoiceReaderRoles)
  @Header('Cache-Control', 'private, no-store')
  csv(@Query() query: InvoiceFilterQuery, @CurrentActor() actor: Actor): StreamableFile {
    const pages = Readable.from(this.invoices.csvPages(actor, query), { objectMode: false });
    return new StreamableFile(pages, { type: 'text/csv; charset=utf-8', disposition: 'attachment; filename="invoices.csv"' });
  }

  @Get('invoices/:id.pdf')
  @Roles(...invoiceReaderRoles)
  @Header('Cache-Control', 'private, no-store')
  async pdf(@Param('id', PathId) id: string, @CurrentActor() actor: Actor): Promise<StreamableFile> {
    const { invoice, pdf } = await this.invoices.pdf(actor, id);
    return new StreamableFile(pdf, { type: 'application/pdf', disposition: `inline; filename="${invoice.number}.pdf"`, length: pdf.length });
  }

  @Get('invoices/:id')
  @Roles(...invoiceReaderRoles)
  async one(@Param('id', PathId) id: string, @CurrentActor() actor: Actor) {
    return invoiceResponse(await this.invoices.one(actor, id));
  }
}
