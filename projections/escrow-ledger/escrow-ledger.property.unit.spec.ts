import fc from 'fast-check';
import { contractDecider, usd, type Actor, type ContractCommand, type ContractEvent, type ContractState } from '@escrow/domain';
import { balanceCents, escrowAccount, foldBalances, postingOf, type AccountTotals, type JournalTransaction } from '@escrow/ledger';
import { assertEscrowHeld, assertEscrowNotNegative, escrowMovement, type ContractEscrow } from './escrow-ledger.evolve';

const contractId = 'c-prop';
const employer: Actor = { role: 'employer', id: 'emp' };
const trainer: Actor = { role: 'trainer', id: 'tr' };
const support: Actor = { role: 'support', id: 'sup' };
const service: Actor = { role: 'service', id: 'svc' };

type Path = { kind: 'paid' } | { kind: 'held' } | { kind: 'cancelled' } | { kind: 'disputed'; resolution: 'release' | 'refund' | 'split'; splitPermille: number };

interface Plan {
  readonly amountCents: number;
  readonly feeBps: number;
  readonly path: Path;
}

/** The commands one milestone goes through, decided lazily (a payout needs the net the approval fixed). */
function* milestoneCommands(milestoneId: string, plan: Plan): Generator<(state: ContractState) => ContractCommand> {
  const ref = { contractId, milestoneId };
  yield () => ({ type: 'AddMilestone', actor: employer, data: { ...ref, name: milestoneId, description: null, amount: usd(plan.amountCents), dueDate: null } });
  if (plan.path.kind === 'cancelled') {
    yield () => ({ type: 'Cancel', actor: employer, data: { ...ref, reason: null } });
    return;
  }
  yield () => ({ type: 'RequestFunding', actor: employer, data: { ...ref, paymentMethod: { customerId: 'cus', paymentMethodId: 'pm' } } });
  yield () => ({ type: 'RecordFunded', actor: service, data: { ...ref, paymentIntentId: `pi_${milestoneId}`, chargeId: `ch_${milestoneId}`, amountCents: plan.amountCents } });
  if (plan.path.kind === 'held') return;
  const payout = (state: ContractState): ContractCommand => {
    const netCents = state.status === 'none' ? null : state.milestones[milestoneId]?.netCents;
    return { type: 'RecordPayoutCompleted', actor: service, data: { ...ref, transferId: `tr_${milestoneId}`, destinationAccountId: 'acct', amountCents: netCents ?? -1 } };
  };
  if (plan.path.kind === 'paid') {
    yield () => ({ type: 'RequestApproval', actor: trainer, data: { ...ref, note: null } });
    yield () => ({ type: 'Approve', actor: employer, data: { ...ref, feeBps: plan.feeBps } });
    yield payout;
    return;
  }
  const { resolution, splitPermille } = plan.path;
  const trainerAmountCents = resolution === 'split' ? Math.min(plan.amountCents - 1, Math.max(1, Math.floor((plan.amountCents * splitPermille) / 1000))) : null;
  yield () => ({ type: 'Dispute', actor: employer, data: { ...ref, reason: 'disagree' } });
  yield () => ({ type: 'ResolveDispute', actor: support, data: { ...ref, resolution, trainerAmountCents, note: 'decided', feeBps: plan.feeBps } });
  const releasedCents = resolution === 'release' ? plan.amountCents : (trainerAmountCents ?? 0);
  const refundCents = plan.amountCents - releasedCents;
  if (refundCents > 0) yield () => ({ type: 'RecordRefunded', actor: service, data: { ...ref, refundId: `re_${milestoneId}`, amountCents: refundCents } });
  if (releasedCents > 0) yield payout;
}

const planArbitrary: fc.Arbitrary<Plan> = fc.record({
  amountCents: fc.integer({ min: 2, max: 100_000_000 }),
  feeBps: fc.integer({ min: 0, max: 10_000 }),
  path: fc.oneof(
    fc.constant<Path>({ kind: 'paid' }),
    fc.constant<Path>({ kind: 'held' }),
    fc.constant<Path>({ kind: 'cancelled' }),
    fc.record({ kind: fc.constant('disputed' as const), resolution: fc.constantFrom('release' as const, 'refund' as const, 'split' as const), splitPermille: fc.integer({ min: 0, max: 1000 }) }),
  ),
});

describe('the ledger over any lifecycle the domain allows', () => {
  it('balances every transaction, never overdraws escrow, and escrow = funded − released − refunded', () => {
    fc.assert(
      fc.property(fc.array(planArbitrary, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 60 }), (plans, picks) => {
        let state = contractDecider.initialState();
        const journal: JournalTransaction[] = [];
        let contract: ContractEscrow = { contractId, fundedCents: 0, releasedCents: 0, refundedCents: 0 };
        let position = 0;
        const apply = (events: ContractEvent[]) => {
          for (const event of events) {
            state = contractDecider.evolve(state, event);
            position += 1;
            const at = `p${String(position).padStart(6, '0')}`;
            const transaction = postingOf({ eventId: `e${position}`, type: event.type, data: event.data, metadata: { occurredAt: '2026-03-01T00:00:00.000Z' }, position: at });
            if (transaction === null) continue;
            journal.push(transaction);
            const balances = foldBalances(journal);
            for (const [account, totals] of balances) assertEscrowNotNegative(account, totals, at);
            expect([...balances.values()].reduce((sum, totals) => sum + balanceCents(totals), 0)).toBe(0);
            const movement = escrowMovement(event);
            if (movement === null) continue;
            contract = {
              contractId,
              fundedCents: contract.fundedCents + movement.fundedCents,
              releasedCents: contract.releasedCents + movement.releasedCents,
              refundedCents: contract.refundedCents + movement.refundedCents,
            };
            assertEscrowHeld(contract, balances.get(escrowAccount(contractId)) as AccountTotals, at);
          }
        };
        apply(contractDecider.decide({ type: 'HireTrainer', actor: employer, data: { contractId, milestoneId: 'm0', trainerId: trainer.id, projectName: 'p', firstMilestone: { name: 'm0', description: null, amount: usd(100), dueDate: null } } }, state));
        apply(contractDecider.decide({ type: 'Cancel', actor: employer, data: { contractId, milestoneId: 'm0', reason: null } }, state));

        const running = plans.map((plan, index) => milestoneCommands(`m${index + 1}`, plan));
        const pickIterator = picks[Symbol.iterator]();
        while (running.length > 0) {
          const index = (pickIterator.next().value ?? 0) % running.length;
          const next = running[index]!.next();
          if (next.done) {
            running.splice(index, 1);
            continue;
          }
          apply(contractDecider.decide(next.value(state), state));
        }

        const balances = foldBalances(journal);
        const heldCents = plans.filter((p) => p.path.kind === 'held').reduce((sum, p) => sum + p.amountCents, 0);
        const escrow = balances.get(escrowAccount(contractId)) ?? { debitCents: 0, creditCents: 0 };
        expect(escrow.creditCents - escrow.debitCents).toBe(heldCents);
        // Everything released was paid out: nothing stays owed to the trainer.
        expect(balanceCents(balances.get('trainer_payable:tr') ?? { debitCents: 0, creditCents: 0 })).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
