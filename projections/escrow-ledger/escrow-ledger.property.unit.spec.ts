import fc from 'fast-check';
import { contractDecider, usd, type Actor, type ContractCommand, type ContractEvent, type ContractState } from '@escrow/domain';
import { balanceCents, escrowAccount, foldBalances, postingOf, type AccountTotals, type JournalTransaction } from '@escrow/ledger';
import { assertEscrowHeld, assertEscrowNotNegative, escrowMovement, type ContractEscrow } from './escrow-ledger.evolve';

const contractId = 'c-prop';
const employer: Actor = { role: 'employer', id: 'emp' };
const trainer: Actor = { role: 'trainer', id: 'tr' };
const support: Actor = { role: 'support', id: 'sup' };
const service: Actor = { role: 'service', id: 'svc' };

/** A chargeback opened at some step of the path (funded, approved or paid), then won or lost, maybe partial. */
interface Chargeback {
  readonly at: 'funded' | 'approved' | 'paid';
  readonly outcome: 'won' | 'lost';
  readonly permille: number;
}

type Path = { kind: 'paid'; chargeback: Chargeback | null } | { kind: 'held' } | { kind: 'cancelled' } | { kind: 'disputed'; resolution: 'release' | 'refund' | 'split'; splitPermille: number };

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
    const { chargeback } = plan.path;
    const amountCents = chargeback ? Math.max(1, Math.floor((plan.amountCents * chargeback.permille) / 1000)) : 0;
    const open = () => ({ type: 'RecordChargebackOpened', actor: service, data: { ...ref, disputeId: `dp_${milestoneId}`, chargeId: `ch_${milestoneId}`, amountCents, reason: 'fraudulent' } }) as const;
    const close = () => ({ type: 'RecordChargebackClosed', actor: service, data: { ...ref, disputeId: `dp_${milestoneId}`, outcome: chargeback!.outcome } }) as const;
    if (chargeback?.at === 'funded') {
      yield open;
      yield close;
      if (chargeback.outcome === 'lost') return; // refunded, or disputed with the rest left to support (held)
    }
    yield () => ({ type: 'RequestApproval', actor: trainer, data: { ...ref, note: null } });
    yield () => ({ type: 'Approve', actor: employer, data: { ...ref, feeBps: plan.feeBps } });
    if (chargeback?.at === 'approved') {
      yield open;
      yield close;
      if (chargeback.outcome === 'lost') return;
    }
    yield payout;
    if (chargeback?.at === 'paid') {
      yield open;
      yield close;
    }
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
    fc.record({
      kind: fc.constant('paid' as const),
      chargeback: fc.option(fc.record({ at: fc.constantFrom('funded' as const, 'approved' as const, 'paid' as const), outcome: fc.constantFrom('won' as const, 'lost' as const), permille: fc.integer({ min: 1, max: 1000 }) }), { nil: null }),
    }),
    fc.constant<Path>({ kind: 'held' }),
    fc.constant<Path>({ kind: 'cancelled' }),
    fc.record({ kind: fc.constant('disputed' as const), resolution: fc.constantFrom('release' as const, 'refund' as const, 'split' as const), splitPermille: fc.integer({ min: 0, max: 1000 }) }),
  ),
});

function stillHeldCents(plan: Plan): number {
  if (plan.path.kind === 'held') return plan.amountCents;
  if (plan.path.kind !== 'paid' || plan.path.chargeback === null) return 0;
  const { at, outcome, permille } = plan.path.chargeback;
  if (outcome !== 'lost' || at === 'paid') return 0;
  return plan.amountCents - Math.max(1, Math.floor((plan.amountCents * permille) / 1000));
}

describe('the ledger over any lifecycle the domain allows', () => {
  it('balances every transaction, never overdraws escrow, and escrow = funded − released − refunded', () => {
    fc.assert(
      fc.property(fc.array(planArbitrary, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 60 }), (plans, picks) => {
        let state = contractDecider.initialState();
        const journal: JournalTransaction[] = [];
        let contract: ContractEscrow = { contractId, fundedCents: 0, releasedCents: 0, refundedCents: 0, chargebackLostCents: 0 };
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
              chargebackLostCents: contract.chargebackLostCents + movement.chargebackLostCents,
            };
            assertEscrowHeld(contract, balances.get(escrowAccount(contractId)) ?? { debitCents: 0, creditCents: 0 }, at);
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
        // Held: never released, or what a partial lost chargeback left for support to decide.
        const heldCents = plans.reduce((sum, p) => sum + stillHeldCents(p), 0);
        const escrow = balances.get(escrowAccount(contractId)) ?? { debitCents: 0, creditCents: 0 };
        expect(escrow.creditCents - escrow.debitCents).toBe(heldCents);
        // Everything released was paid out: nothing stays owed to the trainer.
        expect(balanceCents(balances.get('trainer_payable:tr') ?? { debitCents: 0, creditCents: 0 })).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});
