import { deciderSpec } from '../testing/decider-spec';
import { C1, contractAt, resolveDispute } from '../testing/contract-fixtures';
import { contractDecider } from './index';

const contract = deciderSpec(contractDecider);

/**
 * Only a split names the trainer's part. The rule is about the command alone, so it is refused
 * (as malformed, a 400) before anything about the contract: even one that does not exist.
 */
describe('dispute resolution: trainerAmount only with a split', () => {
  it.each(['release', 'refund'] as const)('a %s naming a trainer amount is malformed', (resolution) => {
    contract
      .given(contractAt('disputed'))
      .when(resolveDispute({ resolution, trainerAmountCents: 1_000 }))
      .thenThrows('invalid', /^trainerAmount: only a split takes a trainerAmount$/);
  });

  it('is refused before the contract is looked at: a malformed command to no contract is malformed', () => {
    contract.given([]).when(resolveDispute({ resolution: 'release', trainerAmountCents: 1_000 })).thenThrows('invalid', 'only a split');
    contract.given([]).when(resolveDispute({ resolution: 'release' })).thenThrows('not_found', `contract ${C1} does not exist`);
  });

  it('is refused before the milestone status: a malformed command to a pending milestone is malformed', () => {
    contract
      .given(contractAt('pending'))
      .when(resolveDispute({ resolution: 'refund', trainerAmountCents: 1_000 }))
      .thenThrows('invalid', 'only a split');
  });
});
