import { assert } from '@escrow/domain';
import { pageOf, SqlConditions, type SqlExecutor } from '@escrow/sql';
import type { ContractView } from './contract-view.model';

/** Which contracts to list; every field present narrows the list (AND). */
export interface ContractListFilter {
  readonly employerId?: string;
  readonly trainerId?: string;
  readonly status?: 'active' | 'archived';
}

export const contractPageSizeMax = 200;

/** Where a page ends: the last contract's last activity and id (the list's order). */
export interface ContractListCursor {
  readonly updatedAt: string;
  readonly contractId: string;
}

export interface ContractViewPage {
  readonly views: ContractView[];
  /** Null when this page is the last. */
  readonly next: ContractListCursor | null;
}

/**
 * Contracts by latest activity, most recent first (what a person opening the list wants to see).
 * A contract that changes while someone pages moves to the front: it may then be seen twice or,
 * if it moved past the cursor, on a fresh first page instead.
 */
export async function listContractViews(db: SqlExecutor, filter: ContractListFilter, after: ContractListCursor | null, limit: number): Promise<ContractViewPage> {
  assert(Number.isInteger(limit) && limit >= 1 && limit <= contractPageSizeMax, `page size ${limit} is 1..${contractPageSizeMax}`);
  const conditions = new SqlConditions().equals('employer_id', filter.employerId).equals('trainer_id', filter.trainerId).equals('status', filter.status);
  if (after !== null) {
    conditions.add(`(updated_at, contract_id collate "C") < (${conditions.param(after.updatedAt)}::timestamptz, ${conditions.param(after.contractId)} collate "C")`);
  }
  const { rows } = await db.query<{ doc: ContractView }>(
    `select doc from contract_view ${conditions.where}
     order by updated_at desc, contract_id collate "C" desc
     limit ${conditions.param(limit + 1)}`,
    conditions.params,
  );
  const page = pageOf(rows, limit, (last) => ({ updatedAt: last.doc.updatedAt, contractId: last.doc.contractId }));
  return { views: page.rows.map((row) => row.doc), next: page.next };
}
