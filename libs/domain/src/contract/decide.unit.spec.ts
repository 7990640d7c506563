import { usd } from '../shared/money';
import { deciderSpec } from '../testing/decider-spec';
import {
  addMilestone,
  addSupportNote,
  AMOUNT,
  approvalRequested,
  approve,
  approved,
  archive,
  autoReleaseReminderSent,
  archived,
  by,
  C1,
  cancel,
  cancelled,
  chargebackDisputed,
  chargebackOpened,
  contractAt,
  contractCreated,
  contractWith,
  dispute,
  disputed,
  disputeResolved,
  employer,
  finance,
  funded,
  fundingFailed,
  fundingPending,
  fundingRequested,
  hireTrainer,
  M1,
  M2,
  milestoneAt,
  milestoneCreated,
  NET,
  otherEmployer,
  otherTrainer,
  payoutCompleted,
  payoutFailed,
  recordChargebackClosed,
  recordChargebackOpened,
  recordExternalRefund,
  recordFunded,
  recordFundingFailed,
  recordFundingPending,
  recordPayoutCompleted,
  recordPayoutFailed,
  recordRefunded,
  ref,
  refundResolved,
  remindAutoRelease,
  requestApproval,
  requestFunding,
  resolveDispute,
  service,
  statuses,
  support,
  supportNoteAdded,
  trainer,
  type ReachableStatus,
} from '../testing/contract-fixtures';
import type { ContractCommand } from './commands';
import type { ContractEvent } from './events';
import { contractDecider, replay } from './index';

const contract = deciderSpec(contractDecider);

// ---------------------------------------------------------------------------------------------
// The transition table: from which status of m_1 each command is allowed, and what it records.
// Every other status must be refused with a 409 naming the current status.
// ---------------------------------------------------------------------------------------------

const defaultRefusal = (status: ReachableStatus) => `its status is ${status} (`;

interface Transition {
  readonly command: ContractCommand;
  readonly allowedFrom: Partial<Record<ReachableStatus, ContractEvent[]>>;
  /** What the refusal message must contain; by default the milestone's current status. */
  readonly refusalNames?: (status: ReachableStatus) => string;
}

const fromEveryStatus = (events: ContractEvent[]) =>
  Object.fromEntries(statuses.map((status) => [status, events])) as Record<ReachableStatus, ContractEvent[]>;

/** Funded with pi_m_1 / ch_m_1 at some point: a repeated outcome for that intent is no event. */
const fundedStatuses: readonly ReachableStatus[] = ['funded', 'pending_approval', 'approved', 'paid', 'disputed', 'refunded'];
const fromStatuses = (list: readonly ReachableStatus[], events: ContractEvent[]) =>
  Object.fromEntries(list.map((status) => [status, events])) as Partial<Record<ReachableStatus, ContractEvent[]>>;

// RecordChargebackClosed names a chargeback that must exist (not_found otherwise): see the chargeback spec.
const transitions: Record<Exclude<ContractCommand['type'], 'RecordChargebackClosed'>, Transition> = {
  // A contract is hired once, whatever its milestones are doing.
  HireTrainer: { command: hireTrainer(), allowedFrom: {}, refusalNames: () => `contract ${C1} already exists` },
  // A new milestone does not depend on the others' status.
  AddMilestone: { command: addMilestone(M2), allowedFrom: fromEveryStatus([milestoneCreated(M2)]) },
  RequestFunding: { command: requestFunding(), allowedFrom: { pending: [fundingRequested()] } },
  // A new attempt's intent: elsewhere it contradicts the status.
  RecordFundingPending: {
    command: recordFundingPending({ paymentIntentId: 'pi_new' }),
    allowedFrom: { funding: [fundingPending('processing', 'pi_new')] },
  },
  // The intent that funded the milestone, reported again: nothing new, whatever happened since.
  RecordFunded: { command: recordFunded(), allowedFrom: { funding: [funded()], ...fromStatuses(fundedStatuses, []) } },
  RecordFundingFailed: {
    command: recordFundingFailed(),
    allowedFrom: { funding: [fundingFailed()] },
    refusalNames: (status) => (fundedStatuses.includes(status) ? `payment intent pi_${M1} already funded milestone ${M1}` : defaultRefusal(status)),
  },
  RecordChargebackOpened: {
    command: recordChargebackOpened(),
    allowedFrom: {
      funded: [chargebackDisputed('funded')],
      pending_approval: [chargebackDisputed('pending_approval')],
      approved: [chargebackDisputed('approved')],
      paid: [chargebackOpened('paid')],
      disputed: [chargebackOpened('disputed')],
      refunded: [chargebackOpened('refunded')],
    },
  },
  RequestApproval: { command: requestApproval(), allowedFrom: { funded: [approvalRequested()] } },
  Approve: { command: approve(), allowedFrom: { pending_approval: [approved()] } },
  RemindAutoRelease: { command: remindAutoRelease(7), allowedFrom: { pending_approval: [autoReleaseReminderSent(7)] } },
  // The same transfer reported again once paid: nothing new.
  RecordPayoutCompleted: { command: recordPayoutCompleted(), allowedFrom: { approved: [payoutCompleted()], paid: [] } },
  RecordPayoutFailed: { command: recordPayoutFailed(), allowedFrom: { approved: [payoutFailed(1)] } },
  Dispute: {
    command: dispute(),
    allowedFrom: { funded: [disputed('funded')], pending_approval: [disputed('pending_approval')] },
  },
  ResolveDispute: { command: resolveDispute(), allowedFrom: { disputed: [disputeResolved('release')] } },
  // A refund is recorded against the money a resolution sent back, whatever the status: in none
  // of these histories is any refund pending (see the dispute spec for where it is allowed).
  // The refunded history's own refund (re_m_1) reported again is nothing new.
  RecordRefunded: {
    command: recordRefunded(),
    allowedFrom: { refunded: [] },
    refusalNames: () => `refunded ${AMOUNT} cents, 0 are due back to the employer`,
  },
  // Support's record of a refund made outside the ledger, like RecordRefunded: only against a
  // refund a resolution left pending (see external-refunds spec); the refunded history's own
  // refund (re_m_1) named again is nothing new.
  RecordExternalRefund: {
    command: recordExternalRefund(),
    allowedFrom: { refunded: [] },
    refusalNames: (status) => `milestone ${M1} has no refund pending (its status is ${status})`,
  },
  Cancel: { command: cancel(), allowedFrom: { pending: [cancelled()] } },
  // Support's notes: on a milestone that is or was disputed (the refunded history went through a dispute).
  AddSupportNote: {
    command: addSupportNote(),
    allowedFrom: { disputed: [supportNoteAdded()], refunded: [supportNoteAdded()] },
    refusalNames: (status) => `it was never disputed (its status is ${status})`,
  },
  Archive: {
    command: archive(),
    allowedFrom: { paid: [archived()], refunded: [archived()], cancelled: [archived()] },
    refusalNames: (status) => `milestone ${M1} is ${status};`,
  },
};


const matrix = Object.entries(transitions).map(([type, transition]) => ({
  type,
  transition,
  cases: statuses.map((status) => ({
    status,
    verdict: transition.allowedFrom[status] ? 'allowed' : 'refused (409)',
  })),
}));

describe('contract decider: milestone status matrix', () => {
  describe.each(matrix)('$type', ({ transition, cases }) => {
    it.each(cases)('from $status: $verdict', ({ status }) => {
      const expected = transition.allowedFrom[status];
      const when = contract.given(contractAt(status)).when(transition.command);
      if (expected) when.then(expected);
      else when.thenThrows('conflict', (transition.refusalNames ?? defaultRefusal)(status));
    });
  });
});

// ---------------------------------------------------------------------------------------------
// Who may do what
// ---------------------------------------------------------------------------------------------

describe('contract decider: actors', () => {
  it('an employer hires a trainer: the contract and its first milestone are created', () => {
    contract.given([]).when(hireTrainer()).then([contractCreated(), milestoneCreated()]);
  });

  it.each([trainer, support, service])('a $role cannot hire a trainer', (actor) => {
    contract.given([]).when(by(actor, hireTrainer())).thenThrows('forbidden', 'only an employer');
  });

  describe("only the contract's employer may do employer things", () => {
    const employerCommands = [
      { name: 'AddMilestone', history: contractAt('pending'), command: addMilestone() },
      { name: 'RequestFunding', history: contractAt('pending'), command: requestFunding() },
      { name: 'Approve', history: contractAt('pending_approval'), command: approve() },
      { name: 'Cancel', history: contractAt('pending'), command: cancel() },
      { name: 'Archive', history: contractAt('paid'), command: archive() },
    ];
    const strangers = [
      { who: 'another employer', actor: otherEmployer },
      { who: 'the trainer', actor: trainer },
      { who: 'a trainer whose id equals the employer id', actor: { role: 'trainer', id: employer.id } as const },
      { who: 'support', actor: support },
      { who: 'the payment service', actor: service },
    ];
    const cases = employerCommands.flatMap((c) => strangers.map((s) => ({ ...c, ...s })));

    it.each(cases)('$name by $who is forbidden', ({ history, command, actor }) => {
      contract.given(history).when(by(actor, command)).thenThrows('forbidden', "only the contract's employer");
    });
  });

  describe("only the contract's trainer may request approval", () => {
    it.each([
      { who: 'the employer', actor: employer },
      { who: 'another trainer', actor: otherTrainer },
      { who: 'an employer whose id equals the trainer id', actor: { role: 'employer', id: trainer.id } as const },
      { who: 'the payment service', actor: service },
    ])('RequestApproval by $who is forbidden', ({ actor }) => {
      contract.given(contractAt('funded')).when(by(actor, requestApproval())).thenThrows('forbidden', "only the contract's trainer");
    });
  });

  describe('only the payment service records payment outcomes', () => {
    const outcomes = [
      { name: 'RecordFunded', history: contractAt('funding'), command: recordFunded() },
      { name: 'RecordFundingFailed', history: contractAt('funding'), command: recordFundingFailed() },
      { name: 'RecordPayoutCompleted', history: contractAt('approved'), command: recordPayoutCompleted() },
      { name: 'RecordPayoutFailed', history: contractAt('approved'), command: recordPayoutFailed() },
      { name: 'RecordRefunded', history: [...contractAt('disputed'), refundResolved()], command: recordRefunded() },
      { name: 'RecordFundingPending', history: contractAt('funding'), command: recordFundingPending() },
      { name: 'RecordChargebackOpened', history: contractAt('funded'), command: recordChargebackOpened() },
      { name: 'RecordChargebackClosed', history: [...contractAt('funded'), chargebackDisputed('funded')], command: recordChargebackClosed() },
    ];
    const nonService = [employer, trainer, support, finance];
    const cases = outcomes.flatMap((o) => nonService.map((actor) => ({ ...o, actor, role: actor.role })));

    it.each(cases)('$name by the $role is forbidden', ({ history, command, actor }) => {
      contract.given(history).when(by(actor, command)).thenThrows('forbidden', 'payment service');
    });
  });

  describe('only support resolves a dispute', () => {
    it.each([
      { who: 'the employer', actor: employer },
      { who: 'the trainer', actor: trainer },
      { who: 'the payment service', actor: service },
      { who: 'finance', actor: finance },
      { who: 'an employer whose id is a support id', actor: { role: 'employer', id: support.id } as const },
    ])('ResolveDispute by $who is forbidden', ({ actor }) => {
      contract.given(contractAt('disputed')).when(by(actor, resolveDispute())).thenThrows('forbidden', 'only support');
    });
  });

  describe('dispute is open to both parties of the contract and to no one else', () => {
    it('the trainer may dispute; the event says so', () => {
      contract
        .given(contractAt('pending_approval'))
        .when(by(trainer, dispute()))
        .then([disputed('pending_approval', M1, 'trainer')]);
    });

    it.each([
      { who: 'another employer', actor: otherEmployer },
      { who: 'another trainer', actor: otherTrainer },
      { who: 'support', actor: support },
      { who: 'finance', actor: finance },
    ])('Dispute by $who is forbidden', ({ actor }) => {
      contract.given(contractAt('funded')).when(by(actor, dispute())).thenThrows('forbidden', "contract's employer or trainer");
    });

    it('a chargeback recorded by the payment service disputes the milestone', () => {
      contract.given(contractAt('funded')).when(recordChargebackOpened()).then([chargebackDisputed('funded')]);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// What does not exist
// ---------------------------------------------------------------------------------------------

describe('contract decider: unknown contract or milestone', () => {
  const commandsOnAContract = [...Object.values(transitions).map((t) => t.command), recordChargebackClosed()]
    .filter((command) => command.type !== 'HireTrainer')
    .map((command) => ({ type: command.type, command }));

  it.each(commandsOnAContract)('$type on a contract that was never hired is not found', ({ command }) => {
    contract.given([]).when(command).thenThrows('not_found', `contract ${C1} does not exist`);
  });

  const commandsOnAMilestone = [
    requestFunding({ milestoneId: 'm_404' }),
    recordFunded({ milestoneId: 'm_404' }),
    recordFundingFailed({ milestoneId: 'm_404' }),
    requestApproval({ milestoneId: 'm_404' }),
    approve({ milestoneId: 'm_404' }),
    recordPayoutCompleted({ milestoneId: 'm_404' }),
    recordPayoutFailed({ milestoneId: 'm_404' }),
    dispute({ milestoneId: 'm_404' }),
    resolveDispute({ milestoneId: 'm_404' }),
    recordRefunded({ milestoneId: 'm_404' }),
    recordFundingPending({ milestoneId: 'm_404' }),
    recordChargebackOpened({ milestoneId: 'm_404' }),
    recordChargebackClosed({ milestoneId: 'm_404' }),
    cancel({ milestoneId: 'm_404' }),
  ].map((command) => ({ type: command.type, command }));

  it.each(commandsOnAMilestone)('$type on an unknown milestone is not found', ({ command }) => {
    contract.given(contractAt('pending')).when(command).thenThrows('not_found', `milestone m_404 does not exist in contract ${C1}`);
  });
});

// ---------------------------------------------------------------------------------------------
// Contract lifecycle
// ---------------------------------------------------------------------------------------------

describe('contract decider: hiring and adding milestones', () => {
  it('hiring the same contract twice is a conflict', () => {
    contract.given(contractAt('pending')).when(hireTrainer()).thenThrows('conflict', `contract ${C1} already exists`);
  });

  it('adding a milestone whose id already exists is a conflict', () => {
    contract.given(contractAt('pending')).when(addMilestone(M1)).thenThrows('conflict', `milestone ${M1} already exists`);
  });

  it('adding a milestone to an archived contract is a conflict', () => {
    contract
      .given([...contractAt('paid'), archived()])
      .when(addMilestone(M2))
      .thenThrows('conflict', `contract ${C1} is archived`);
  });

  it('a second milestone follows its own lifecycle, independent of the first', () => {
    contract
      .given(contractWith(milestoneAt.paid(M1), milestoneAt.pending(M2)))
      .when(requestFunding({ milestoneId: M2 }))
      .then([fundingRequested(M2)]);
  });
});

describe('contract decider: funding', () => {
  it('an agency account without an active plan is refused, naming the employer', () => {
    contract
      .given(contractAt('pending'))
      .when(requestFunding({ plan: { agency: true, activePlanId: null } }))
      .thenThrows('unprocessable', /employer \S+ is an agency account without an active subscription plan/);
  });

  const fundedWithoutPlanFacts = () => contractDecider.decide(requestFunding(), replay(contractAt('pending')));

  it('an agency account with an active plan funds as usual', () => {
    contract
      .given(contractAt('pending'))
      .when(requestFunding({ plan: { agency: true, activePlanId: 'agency_basic' } }))
      .then(fundedWithoutPlanFacts());
  });

  it('a standard account needs no plan', () => {
    contract
      .given(contractAt('pending'))
      .when(requestFunding({ plan: { agency: false, activePlanId: null } }))
      .then(fundedWithoutPlanFacts());
  });

  it('funding needs a payment method on file', () => {
    contract
      .given(contractAt('pending'))
      .when(requestFunding({ paymentMethod: null }))
      .thenThrows('unprocessable', 'no payment method on file');
  });

  it('funding charges the milestone amount with the saved payment method', () => {
    const otherCard = { customerId: 'cus_9', paymentMethodId: 'pm_9' };
    contract
      .given(contractWith(milestoneAt.pending(M1, 4_242)))
      .when(requestFunding({ paymentMethod: otherCard }))
      .then([
        {
          type: 'MilestoneFundingRequested',
          data: { ...ref(M1), employerId: employer.id, amount: usd(4_242), ...otherCard },
        },
      ]);
  });

  it('a charge for a different amount than the milestone is a conflict', () => {
    contract
      .given(contractAt('funding'))
      .when(recordFunded({ amountCents: AMOUNT - 1 }))
      .thenThrows('conflict', `charged ${AMOUNT - 1} cents, milestone is ${AMOUNT}`);
  });

  it('after a failed charge the milestone is pending again and can be funded again', () => {
    contract
      .given([...contractAt('funding'), fundingFailed()])
      .when(requestFunding())
      .then([fundingRequested()]);
  });

  it('after a failed charge the milestone can be cancelled', () => {
    contract.given([...contractAt('funding'), fundingFailed()]).when(cancel()).then([cancelled()]);
  });

  it('the second funding attempt can succeed, with its own payment intent', () => {
    contract
      .given([...contractAt('funding'), fundingFailed(), fundingRequested()])
      .when(recordFunded({ paymentIntentId: 'pi_2' }))
      .then([{ type: 'MilestoneFunded', data: { ...ref(), amount: usd(AMOUNT), paymentIntentId: 'pi_2', chargeId: `ch_${M1}` } }]);
  });
});

describe('contract decider: approval and the platform fee', () => {
  // fee = amount × bps / 10 000, rounded half-even to the cent; net = amount − fee.
  it.each([
    { amountCents: 15_001, feeBps: 1_000, fee: 1_500, net: 13_501 }, // 1500.1 → 1500
    { amountCents: 150, feeBps: 250, fee: 4, net: 146 }, // 3.75 → 4
    { amountCents: 100, feeBps: 50, fee: 0, net: 100 }, // 0.5 → 0 (to even)
    { amountCents: 100, feeBps: 150, fee: 2, net: 98 }, // 1.5 → 2 (to even)
    { amountCents: 250, feeBps: 100, fee: 2, net: 248 }, // 2.5 → 2 (to even)
    { amountCents: 350, feeBps: 100, fee: 4, net: 346 }, // 3.5 → 4 (to even)
    { amountCents: 15_000, feeBps: 0, fee: 0, net: 15_000 },
    { amountCents: 15_000, feeBps: 10_000, fee: 15_000, net: 0 },
  ])('$feeBps bps of $amountCents cents: fee $fee, net $net', ({ amountCents, feeBps, fee, net }) => {
    contract
      .given(contractWith(milestoneAt.pending_approval(M1, amountCents)))
      .when(approve({ feeBps }))
      .then([approved(M1, { amountCents, feeBps, fee, net })]);
  });

  it('approval carries the charge id that funded the milestone', () => {
    contract
      .given(contractWith(milestoneAt.pending(M2), milestoneAt.pending_approval(M1)))
      .when(approve())
      .then([approved(M1)]);
  });
});

describe('contract decider: payout', () => {
  it('a failed payout is attempt 1 and leaves the milestone approved', () => {
    contract.given(contractAt('approved')).when(recordPayoutFailed()).then([payoutFailed(1)]);
  });

  it('the next failed payout is attempt 2', () => {
    contract.given([...contractAt('approved'), payoutFailed(1)]).when(recordPayoutFailed()).then([payoutFailed(2)]);
  });

  it('a payout can complete after failed attempts', () => {
    contract
      .given([...contractAt('approved'), payoutFailed(1), payoutFailed(2)])
      .when(recordPayoutCompleted())
      .then([payoutCompleted()]);
  });

  it('a payout for a different amount than the approved net is a conflict', () => {
    contract.given(contractAt('approved')).when(recordPayoutCompleted({ amountCents: AMOUNT })).thenThrows('conflict', `the trainer is owed ${NET}`);
  });

  it('attempts are counted per milestone', () => {
    contract
      .given([...contractWith(milestoneAt.approved(M1), milestoneAt.approved(M2)), payoutFailed(1, M1), payoutFailed(2, M1)])
      .when(recordPayoutFailed({ milestoneId: M2 }))
      .then([payoutFailed(1, M2)]);
  });
});

describe('contract decider: archive', () => {
  const unresolved: ReachableStatus[] = ['pending', 'funding', 'funded', 'pending_approval', 'approved', 'disputed'];

  it.each(unresolved)('is refused while another milestone is %s, naming it and its status', (status) => {
    contract
      .given(contractWith(milestoneAt.paid(M1), milestoneAt[status](M2)))
      .when(archive())
      .thenThrows('conflict', `cannot archive: milestone ${M2} is ${status};`);
  });

  it('is allowed when every milestone is paid, refunded or cancelled', () => {
    contract
      .given(contractWith(milestoneAt.paid(M1), milestoneAt.cancelled(M2), milestoneAt.refunded('m_3')))
      .when(archive())
      .then([archived()]);
  });

  it('is allowed after a payout that first failed', () => {
    contract.given([...contractAt('approved'), payoutFailed(1), payoutCompleted()]).when(archive()).then([archived()]);
  });

  it('an archived contract cannot be archived again', () => {
    contract.given([...contractAt('paid'), archived()]).when(archive()).thenThrows('conflict', `contract ${C1} is archived`);
  });
});
