import { BadRequestException } from '@nestjs/common';
import { forbidden, type Actor } from '@escrow/domain';
import { contractPageSizeMax, type ContractListCursor, type ContractListFilter } from '@escrow/projections/contract-view';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { externalIdPattern } from '../http/validators';

export const contractListLimitDefault = 50;
const idMessage = (field: string) => `${field} must be 1 to 64 letters, digits, _ or -`;

/** GET /v1/contracts: filters (staff may name any party; a party only itself) and paging. */
export class ContractListQuery {
  @ApiPropertyOptional({ pattern: externalIdPattern.source, description: 'Only this employer’s contracts (an employer: only its own id).' })
  @IsOptional() @IsString() @Matches(externalIdPattern, { message: idMessage('employerId') })
  employerId?: string;

  @ApiPropertyOptional({ pattern: externalIdPattern.source, description: 'Only this trainer’s contracts (a trainer: only its own id).' })
  @IsOptional() @IsString() @Matches(externalIdPattern, { message: idMessage('trainerId') })
  trainerId?: string;

  @ApiPropertyOptional({ enum: ['active', 'archived'] })
  @IsOptional() @IsIn(['active', 'archived'], { message: 'status must be active or archived' })
  status?: 'active' | 'archived';

  @ApiPropertyOptional({ description: `Contracts per page, 1 to ${contractPageSizeMax} (default ${contractListLimitDefault}).`, pattern: '^[1-9][0-9]{0,2}$' })
  @IsOptional() @IsString() @Matches(/^[1-9]\d{0,2}$/, { message: `limit must be a whole number from 1 to ${contractPageSizeMax}` })
  limit?: string;

  @ApiPropertyOptional({ description: 'The `next` of the previous page.' })
  @IsOptional() @IsString() @MaxLength(200)
  after?: string;
}

/** The filter a caller gets: a party sees only its own contracts, and naming another party is a 403, not an empty list. */
export function contractListFilter(actor: Actor, query: ContractListQuery): ContractListFilter {
  const own = (field: 'employerId' | 'trainerId') => {
    const named = query[field];
    if (named !== undefined && named !== actor.id) throw forbidden('not_contract_party', `${field}: a ${actor.role} lists only its own contracts`);
    return actor.id;
  };
  const status = query.status === undefined ? {} : { status: query.status };
  if (actor.role === 'employer') {
    return { ...status, employerId: own('employerId'), ...(query.trainerId === undefined ? {} : { trainerId: query.trainerId }) };
  }
  if (actor.role === 'trainer') {
    return { ...status, trainerId: own('trainerId'), ...(query.employerId === undefined ? {} : { employerId: query.employerId }) };
  }
  return {
    ...status,
    ...(query.employerId === undefined ? {} : { employerId: query.employerId }),
    ...(query.trainerId === undefined ? {} : { trainerId: query.trainerId }),
  };
}

export function contractListLimit(raw: string | undefined): number {
  const limit = raw === undefined ? contractListLimitDefault : Number(raw);
  if (limit > contractPageSizeMax) throw new BadRequestException(`limit: must be a whole number from 1 to ${contractPageSizeMax}`);
  return limit;
}

/** Cursors are opaque to clients: base64url of the last contract's activity time and id. */
export function encodeContractCursor(cursor: ContractListCursor): string {
  return Buffer.from(JSON.stringify([cursor.updatedAt, cursor.contractId]), 'utf8').toString('base64url');
}

export function decodeContractCursor(raw: string | undefined): ContractListCursor | null {
  if (raw === undefined) return null;
  const refused = () => new BadRequestException('after: must be the next cursor of a previous page');
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(raw)) throw refused();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw refused();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw refused();
  const [updatedAt, contractId] = parsed as unknown[];
  if (typeof updatedAt !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/.test(updatedAt) || Number.isNaN(Date.parse(updatedAt))) throw refused();
  if (typeof contractId !== 'string' || !externalIdPattern.test(contractId)) throw refused();
  return { updatedAt, contractId };
}
