import { Controller, Get, Header, Param, Query, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@escrow/domain';
import { invoiceResponse } from '@escrow/projections/invoices';
import { Readable } from 'node:stream';
import { CurrentActor, Roles } from '../auth/auth.guard';
import { ApiErrors } from '../http/error.responses';
import { PathId } from '../http/path-id.pipe';
import { ApiFile, ApiPartyToken, ApiPathId } from '../openapi/operation-docs';
import { invoiceReaderRoles } from './invoice-access';
import { InvoiceQueries } from './invoices.query';
import { InvoiceFilterQuery, InvoiceListQuery } from './invoices.dtos';
import { InvoicePageResponse, InvoiceResponse } from './invoices.responses';

/**
 * Invoices: employers read their funding invoices and the payout invoices of their contracts
 * (listed with `kind=trainer_payout`), trainers their payout invoices, finance and support all of
 * them (`invoice-access.ts`). Route order matters: Express tries routes in the order they are declared
 * here, so `invoices.csv` and `invoices/:id.pdf` come before `invoices/:id`, which would
 * otherwise take "inv_….pdf" as an id.
 */
@ApiTags('invoices')
@ApiPartyToken()
@Controller('v1')
export class InvoicesController {
  constructor(private readonly invoices: InvoiceQueries) {}

  @Get('invoices')
  @Roles(...invoiceReaderRoles)
  @ApiOperation({ summary: 'The invoices the caller may read, in issue order (oldest first), a page at a time.' })
  @ApiOkResponse({ type: InvoicePageResponse })
  list(@Query() query: InvoiceListQuery, @CurrentActor() actor: Actor) {
    return this.invoices.list(actor, query);
  }

  @Get('invoices.csv')
  @Roles(...invoiceReaderRoles)
  @Header('Cache-Control', 'private, no-store')
  @ApiOperation({ summary: 'The same invoices as one CSV download, streamed.' })
  @ApiFile('text/csv', 'The invoices (Content-Disposition: attachment; filename="invoices.csv").')
  csv(@Query() query: InvoiceFilterQuery, @CurrentActor() actor: Actor): StreamableFile {
    const pages = Readable.from(this.invoices.csvPages(actor, query), { objectMode: false });
    return new StreamableFile(pages, { type: 'text/csv; charset=utf-8', disposition: 'attachment; filename="invoices.csv"' });
  }

  @Get('invoices/:id.pdf')
  @Roles(...invoiceReaderRoles)
  @Header('Cache-Control', 'private, no-store')
  @ApiOperation({ summary: 'One invoice as a PDF.' })
  @ApiPathId('id', 'The invoice.')
  @ApiFile('application/pdf', 'The invoice (Content-Disposition: inline).')
  @ApiErrors(404)
  async pdf(@Param('id', PathId) id: string, @CurrentActor() actor: Actor): Promise<StreamableFile> {
    const { invoice, pdf } = await this.invoices.pdf(actor, id);
    return new StreamableFile(pdf, { type: 'application/pdf', disposition: `inline; filename="${invoice.number}.pdf"`, length: pdf.length });
  }

  @Get('invoices/:id')
  @Roles(...invoiceReaderRoles)
  @ApiOperation({ summary: 'One invoice.' })
  @ApiPathId('id', 'The invoice.')
  @ApiOkResponse({ type: InvoiceResponse })
  @ApiErrors(404)
  async one(@Param('id', PathId) id: string, @CurrentActor() actor: Actor) {
    return invoiceResponse(await this.invoices.one(actor, id));
  }
}
