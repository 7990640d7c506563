import { decide, replay, type ContractCommand, type ContractEvent, type ContractOpen } from '@escrow/domain';
import {
  AMOUNT,
  M1,
  archive,
  contractAt,
  contractWith,
  milestoneAt,
  recordChargebackClosed,
  recordChargebackOpened,
  recordExternalRefund,
  recordFundingPending,
  recordPayoutCompleted,
  recordPayoutFailed,
  recordRefunded,
  requestFunding,
  resolveDispute,
  statuses,
} from '../../libs/domain/src/testing/contract-fixtures';
import { evolveContractView } from './contract-view.evolve';
import type { ContractViewRecord, MilestoneView } from './contract-view.model';

/** The events a contract at `history` records for each command in turn, as the decider decides them. */
function decided(history: ContractEvent[], ...commands: ContractCommand[]): ContractEvent[] {
  return commands.reduce((events, command) => [...events, ...decide(command, replay(events))], history);
}

/**
 * The view after each event, stored and read back as JSON between events (as the projection
 * keeps it), next to the domain's fold of the same events replayed on its own.
 */
function viewsAndFolds(events: readonly ContractEvent[]): { view: MilestoneView[]; fold: ContractOpen }[] {
  let record: ContractViewRecord | null = null;
  return events.map((event, i) => {
    const viewEvent = { event, occurredAt: new Date(Date.UTC(2026, 10, 1, 0, 0, i)).toISOString(), position: String(i + 1) };
    record = JSON.parse(JSON.stringify(evolveContractView(record, viewEvent))) as ContractViewRecord;
    return { view: record.view.milestones, fold: replay(events.slice(0, i + 1)) as ContractOpen };
  });
}

/** What the view shows that the domain decides: status, rule-moved amounts, chargeback outcomes. */
function domainSide(view: MilestoneView[]) {
  return view.map((m) => ({
    milestoneId: m.milestoneId,
    status: m.status,
    feeCents: m.feeCents,
    netCents: m.netCents,
    refundPendingCents: m.refundPendingCents,
    payoutAttempts: m.payoutAttempts,
    fundingNextStep: m.fundingNextStep,
    chargebacks: Object.fromEntries(m.chargebacks.map((c) => [c.disputeId, c.status])),
  }));
}

function foldSide(fold: ContractOpen, milestoneIds: string[]) {
  return milestoneIds.map((id) => {
    const m = fold.milestones[id]!;
    return {
      milestoneId: id,
      status: m.status,
      feeCents: m.feeCents,
      netCents: m.netCents,
      refundPendingCents: m.refundPendingCents,
      payoutAttempts: m.payoutAttempts,
      fundingNextStep: m.fundingNextStep,
      chargebacks: Object.fromEntries(Object.values(m.chargebacks).map((c) => [c.disputeId, c.outcome ?? 'open'])),
    };
  });
}

const SPLIT_TRAINER = 6_000;
const histories: Record<string, ContractEvent[]> = {
  ...Object.fromEntries(statuses.map((status) => [`a milestone reaching ${status}`, contractAt(status)])),
  'a split-resolved dispute, refunded and paid out': decided(
    contractAt('disputed'),
    resolveDispute({ resolution: 'split', trainerAmountCents: SPLIT_TRAINER }),
    recordRefunded({ amountCents: AMOUNT - SPLIT_TRAINER }),
    recordPayoutCompleted({ amountCents: 5_400 }),
  ),
  'a refund resolution refunded in two parts': decided(
    contractAt('disputed'),
    resolveDispute({ resolution: 'refund' }),
    recordRefunded({ refundId: 're_a', amountCents: 5_000 }),
    recordRefunded({ refundId: 're_b', amountCents: AMOUNT - 5_000 }),
  ),
  'a refund made outside the ledger': decided(contractAt('disputed'), resolveDispute({ resolution: 'refund' }), recordExternalRefund()),
  'a chargeback on a funded milestone, lost in full': decided(contractAt('funded'), recordChargebackOpened(), recordChargebackClosed({ outcome: 'lost' })),
  'a chargeback on an approved milestone, won': decided(
    contractAt('approved'),
    recordChargebackOpened(),
    recordChargebackClosed({ outcome: 'won' }),
    recordPayoutFailed(),
    recordPayoutCompleted(),
  ),
  'a partial chargeback on an approved milestone, lost, then refunded by support': decided(
    contractAt('approved'),
    recordChargebackOpened({ amountCents: 4_000 }),
    recordChargebackClosed({ outcome: 'lost' }),
    resolveDispute({ resolution: 'refund' }),
    recordRefunded({ amountCents: AMOUNT - 4_000 }),
  ),
  'a chargeback on a paid milestone, lost': decided(contractAt('paid'), recordChargebackOpened(), recordChargebackClosed({ outcome: 'lost' })),
  'a cancelled and a refunded milestone, then the contract archived': decided(
    contractWith(milestoneAt.cancelled('m_2'), milestoneAt.refunded(M1)),
    archive(),
  ),
  'a funding attempt waiting on the employer (3-D Secure)': decided(contractAt('pending'), requestFunding(), recordFundingPending({ nextStep: 'requires_action' })),
};

describe('contract view: statuses and amounts are the domain fold', () => {
  it.each(Object.entries(histories))('%s: after every event, the view shows what the domain folds', (_, events) => {
    for (const { view, fold } of viewsAndFolds(events)) {
      expect(domainSide(view)).toEqual(foldSide(fold, view.map((m) => m.milestoneId)));
    }
  });

  it.each([
    ['a split-resolved dispute, refunded and paid out', ['disputed', 'approved', 'approved', 'paid']],
    ['a refund resolution refunded in two parts', ['disputed', 'disputed', 'disputed', 'refunded']],
    ['a chargeback on a funded milestone, lost in full', ['disputed', 'refunded']],
    ['a partial chargeback on an approved milestone, lost, then refunded by support', ['disputed', 'disputed', 'disputed', 'refunded']],
  ])('%s: the statuses a reader sees, event by event', (name, expected) => {
    const events = histories[name]!;
    const steps = viewsAndFolds(events).slice(-expected.length);
    expect(steps.map(({ view }) => view.find((m) => m.milestoneId === M1)!.status)).toEqual(expected);
  });

  it('the contract is archived when the domain has it archived', () => {
    const events = histories['a cancelled and a refunded milestone, then the contract archived']!;
    const record = events.reduce<ContractViewRecord | null>(
      (before, event, i) => evolveContractView(before, { event, occurredAt: '2026-11-01T00:00:00.000Z', position: String(i + 1) }),
      null,
    );
    expect(record?.view.status).toBe('archived');
    expect(record?.state.status).toBe('archived');
  });
});
