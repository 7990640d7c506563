import { assertNever } from '../shared/assert';
import { notFound } from '../shared/errors';
import type { ContractCommand } from './commands';
import type { ContractEvent } from './events';
import type { ContractState } from './state';
import { decideRequestApproval, decideApprove, decidePayoutCompleted, decidePayoutFailed, decideRemindAutoRelease } from './decide-approval';
import { decideChargebackClosed, decideChargebackOpened } from './decide-chargebacks';
import { decideDispute, decideResolveDispute, requireTrainerAmountOnlyForSplit } from './decide-disputes';
import { decideFunded, decideFundingFailed, decideFundingPending, decideRequestFunding } from './decide-funding';
import { decideAddMilestone, decideArchive, decideCancel, decideHireTrainer } from './decide-hiring';
import { decideExternalRefund, decideRefunded } from './decide-refunds';
import { decideAddSupportNote } from './decide-support-notes';

export { unresolvedStatuses } from './decide-hiring';

/**
 * Routes a command to its family's decider. Only HireTrainer may meet a contract that does not
 * exist yet; every other command is decided against an open contract, so the check is made once.
 */
export function decide(command: ContractCommand, state: ContractState): ContractEvent[] {
  if (command.type === 'HireTrainer') return decideHireTrainer(command, state);
  // What a command says of itself comes before what it meets: a malformed one is refused first.
  if (command.type === 'ResolveDispute') requireTrainerAmountOnlyForSplit(command.data);
  if (state.status === 'none') {
    throw notFound('contract_not_found', `contract ${command.data.contractId} does not exist`);
  }
  switch (command.type) {
    case 'AddMilestone':
      return decideAddMilestone(command, state);
    case 'Cancel':
      return decideCancel(command, state);
    case 'Archive':
      return decideArchive(command, state);
    case 'RequestFunding':
      return decideRequestFunding(command, state);
    case 'RecordFundingPending':
      return decideFundingPending(command, state);
    case 'RecordFunded':
      return decideFunded(command, state);
    case 'RecordFundingFailed':
      return decideFundingFailed(command, state);
    case 'RequestApproval':
      return decideRequestApproval(command, state);
    case 'Approve':
      return decideApprove(command, state);
    case 'RemindAutoRelease':
      return decideRemindAutoRelease(command, state);
    case 'RecordPayoutCompleted':
      return decidePayoutCompleted(command, state);
    case 'RecordPayoutFailed':
      return decidePayoutFailed(command, state);
    case 'Dispute':
      return decideDispute(command, state);
    case 'ResolveDispute':
      return decideResolveDispute(command, state);
    case 'RecordRefunded':
      return decideRefunded(command, state);
    case 'RecordExternalRefund':
      return decideExternalRefund(command, state);
    case 'RecordChargebackOpened':
      return decideChargebackOpened(command, state);
    case 'RecordChargebackClosed':
      return decideChargebackClosed(command, state);
    case 'AddSupportNote':
      return decideAddSupportNote(command, state);
    default:
      // Compile time: every command type has a case. Run time: an unknown type is a bug.
      return assertNever(command, 'contract command');
  }
}
