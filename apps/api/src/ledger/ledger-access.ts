import { forbidden, type Actor } from '@escrow/domain';
import { trainerPayablePrefix, type ParsedAccount } from '@escrow/ledger';
import { findContractOwner, type Visibility } from '@escrow/projections/escrow-ledger';
import type { SqlExecutor } from '@escrow/sql';

/**
 * Who reads which accounts. Finance and support: the whole ledger. An employer: the escrow
 * accounts of its own contracts. A trainer: its own trainer_payable account (what it is owed).
 * Nobody else (service tokens included) reads the ledger.
 */
export function visibilityFor(actor: Actor): Visibility {
  switch (actor.role) {
    case 'finance':
    case 'support':
      return { kind: 'all' };
    case 'employer':
      return { kind: 'employer', employerId: actor.id };
    case 'trainer':
      return { kind: 'account', account: `${trainerPayablePrefix}${actor.id}` };
    default:
      throw forbidden('ledger_forbidden', `role ${actor.role} cannot read the ledger`);
  }
}

export async function requireAccountReader(db: SqlExecutor, actor: Actor, account: ParsedAccount): Promise<void> {
  if (actor.role === 'finance' || actor.role === 'support') return;
  if (actor.role === 'trainer' && account.kind === 'trainer_payable' && account.trainerId === actor.id) return;
  if (actor.role === 'employer' && account.kind === 'escrow') {
    const owner = await findContractOwner(db, account.contractId);
    if (owner?.employerId === actor.id) return;
  }
  throw forbidden(
    'ledger_account_forbidden',
    `account: ${account.account} is not yours to read (employers read their contracts' escrow accounts, trainers their own trainer_payable account)`,
  );
}
