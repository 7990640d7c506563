import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { invoiceKinds, invoicePageSizeMax, type InvoiceKind } from '@escrow/projections/invoices';
import { externalIdPattern } from '../http/validators';

const idMessage = (field: string) => `${field} must be 1 to 64 letters, digits, _ or -`;

/** Filters of GET /v1/invoices.csv (and of the JSON list); every one is optional. */
export class InvoiceFilterQuery {
  @ApiPropertyOptional({ pattern: externalIdPattern.source })
  @IsOptional()
  @IsString()
  @Matches(externalIdPattern, { message: idMessage('contractId') })
  contractId?: string;

  @ApiPropertyOptional({ pattern: externalIdPattern.source })
  @IsOptional()
  @IsString()
  @Matches(externalIdPattern, { message: idMessage('employerId') })
  employerId?: string;

  @ApiPropertyOptional({ pattern: externalIdPattern.source })
  @IsOptional()
  @IsString()
  @Matches(externalIdPattern, { message: idMessage('trainerId') })
  trainerId?: string;

  @ApiPropertyOptional({ enum: [...invoiceKinds] })
  @IsOptional()
  @IsIn(invoiceKinds as InvoiceKind[])
  kind?: InvoiceKind;
}

export const invoiceListLimitDefault = 100;

/** GET /v1/invoices: the filters plus paging (`after` is the `next` of the previous page). */
export class InvoiceListQuery extends InvoiceFilterQuery {
  @ApiPropertyOptional({ description: `Invoices per page, 1 to ${invoicePageSizeMax} (default ${invoiceListLimitDefault}).`, pattern: '^[1-9][0-9]{0,2}$' })
  @IsOptional()
  @IsString()
  @Matches(/^([1-9]\d{0,2})$/, { message: `limit must be a whole number from 1 to ${invoicePageSizeMax}` })
  limit?: string;

  @ApiPropertyOptional({ description: 'The `next` of the previous page.' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,64}$/, { message: 'after must be the next cursor of a previous page' })
  after?: string;
}
