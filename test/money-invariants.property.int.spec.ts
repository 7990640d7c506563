import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { usd, type Actor, type ContractCommand, type ContractState } from '@escrow/domain';
import { PostgresEventStore, toFeedMessage } from '@escrow/event-store';
import { allEvents } from './support/api-checks';
import { validateFeedMessage } from '@escrow/event-schemas';
import { escrowLedgerProjection } from '@escrow/projections/escrow-ledger';
import { invoicesProjection } from '@escrow/projections/invoices';
import { ProjectorRunner } from '@escrow/projector';
import { CommandHandling, systemClock } from '@escrow/runtime';
import type { SqlDb } from '@escrow/sql';
import { describeEachDatabase } from './support/databases';
import { catchUpToCommitted } from './support/catch-up';

/**
 * Random lifecycles over several contracts at once — declines, approvals, disputes resolved every
 * way, refunds, cancellations, money left in escrow — interleaved in random order through the
 * real command handling and event store. After every step the ledger and invoice read models
 * catch up (their projections assert their own invariants and would stop) and the money adds up:
 * the ledger balances, escrow is never negative and equals funded − released − refunded per
 * contract, and invoice totals equal ledger totals.
 */
const employer: Actor = { role: 'employer', id: 'emp_prop' };
const trainer: Actor = { role: 'trainer', id: 'tr_prop' };
const support: Actor = { role: 'support', id: 'sup_prop' };
const service: Actor = { role: 'service', id: 'payment-saga' };

type Path =
  | { kind: 'paid'; declinesFirst: boolean }
  | { kind: 'held' }
  | { kind: 'cancelled' }
  | { kind: 'disputed'; resolution: 'release' | 'refund' | 'split'; splitPermille: number };

interface Plan {
  readonly amountCents: number;
  readonly feeBps: number;
  readonly path: Path;
}

type Step = (state: ContractState) => ContractCommand;

function steps(contractId: string, plan: Plan): Step[] {
  const milestoneId = randomUUID();
  const ref = { contractId, milestoneId };
  const hire: Step = () => ({
    type: 'HireTrainer',
    actor: employer,
    data: { ...ref, trainerId: trainer.id, projectName: 'Property', firstMilestone: { name: 'M', description: null, amount: usd(plan.amountCents), dueDate: null } },
  });
  if (plan.path.kind === 'cancelled') return [hire, () => ({ type: 'Cancel', actor: employer, data: { ...ref, reason: null } })];
  const fund: Step = () => ({ type: 'RequestFunding', actor: employer, data: { ...ref, paymentMethod: { customerId: 'cus_p', paymentMethodId: 'pm_card_visa' } } });
  const funded: Step = () => ({ type: 'RecordFunded', actor: service, data: { ...ref, paymentIntentId: `pi_${milestoneId}`, chargeId: `ch_${milestoneId}`, amountCents: plan.amountCents } });
  const declined: Step = () => ({ type: 'RecordFundingFailed', actor: service, data: { ...ref, reason: 'Your card was declined.', declineCode: 'generic_decline', paymentIntentId: null } });
  const payout: Step = (state) => ({
    type: 'RecordPayoutCompleted',
    actor: service,
    data: { ...ref, transferId: `tr_${milestoneId}`, destinationAccountId: 'acct_p', amountCents: state.status === 'none' ? -1 : (state.milestones[milestoneId]?.netCents ?? -1) },
  });
  const path = plan.path;
  if (path.kind === 'held') return [hire, fund, funded];
  if (path.kind === 'paid') {
    return [
      hire,
      ...(path.declinesFirst ? [fund, declined] : []),
      fund,
      funded,
      () => ({ type: 'RequestApproval', actor: trainer, data: { ...ref, note: null } }),
      () => ({ type: 'Approve', actor: employer, data: { ...ref, feeBps: plan.feeBps } }),
      payout,
    ];
  }
  const trainerAmountCents = path.resolution === 'split' ? Math.min(plan.amountCents - 1, Math.max(1, Math.trunc((plan.amountCents * path.splitPermille) / 1000))) : null;
  const released = path.resolution === 'release' ? plan.amountCents : (trainerAmountCents ?? 0);
  const refunded = plan.amountCents - released;
  return [
    hire,
    fund,
    funded,
    () => ({ type: 'Dispute', actor: trainer, data: { ...ref, reason: 'disagree' } }),
    () => ({ type: 'ResolveDispute', actor: support, data: { ...ref, resolution: path.resolution, trainerAmountCents, note: 'decided', feeBps: plan.feeBps } }),
    ...(refunded > 0 ? [(): ContractCommand => ({ type: 'RecordRefunded', actor: service, data: { ...ref, refundId: `re_${milestoneId}`, amountCents: refunded } })] : []),
    ...(released > 0 ? [payout] : []),
  ];
}

const planArbitrary: fc.Arbitrary<Plan> = fc.record({
  amountCents: fc.integer({ min: 2, max: 100_000_000 }),
  feeBps: fc.integer({ min: 0, max: 5_000 }),
  path: fc.oneof(
    fc.record({ kind: fc.constant('paid' as const), declinesFirst: fc.boolean() }),
    fc.constant<Path>({ kind: 'held' }),
    fc.constant<Path>({ kind: 'cancelled' }),
    fc.record({
      kind: fc.constant('disputed' as const),
      resolution: fc.constantFrom('release' as const, 'refund' as const, 'split' as const),
      splitPermille: fc.integer({ min: 0, max: 1000 }),
    }),
  ),
});

const cents = (value: unknown) => {
  const n = Number(value ?? 0);
  expect(Number.isSafeInteger(n)).toBe(true);
  return n;
};

async function expectMoneyAddsUp(db: SqlDb): Promise<void> {
  const totals = await db.query<{ debits: string; credits: string }>(
    'select coalesce(sum(debit_cents), 0)::text as debits, coalesce(sum(credit_cents), 0)::text as credits from escrow_ledger_balances',
  );
  expect(cents(totals.rows[0]?.debits)).toBe(cents(totals.rows[0]?.credits));

  const escrow = await db.query<{ account: string; held: string }>(
    `select account, (credit_cents - debit_cents)::text as held from escrow_ledger_balances where account like 'escrow:contract:%'`,
  );
  const perContract = await db.query<{ contract_id: string; expected: string }>(
    'select contract_id, (funded_cents - released_cents - refunded_cents)::text as expected from escrow_ledger_contracts',
  );
  const expected = new Map(perContract.rows.map((r) => [`escrow:contract:${r.contract_id}`, cents(r.expected)]));
  for (const row of escrow.rows) {
    expect(cents(row.held)).toBeGreaterThanOrEqual(0);
    expect(cents(row.held)).toBe(expected.get(row.account));
  }

  const ledger = await db.query<{ funded: string; refunded: string; paid_out: string }>(
    `select
       coalesce(sum(credit_cents) filter (where account like 'escrow:%' and event_type = 'MilestoneFunded'), 0)::text as funded,
       coalesce(sum(debit_cents) filter (where account like 'escrow:%' and event_type = 'MilestoneRefunded'), 0)::text as refunded,
       coalesce(sum(debit_cents) filter (where account like 'trainer_payable:%' and event_type = 'MilestonePayoutCompleted'), 0)::text as paid_out
     from escrow_ledger_entries`,
  );
  const feesOfPaid = await db.query<{ fees: string }>(
    `select coalesce(sum(e.credit_cents), 0)::text as fees from escrow_ledger_entries e
     where e.account = 'platform:fee_revenue'
       and e.milestone_id in (select p.milestone_id from escrow_ledger_entries p where p.event_type = 'MilestonePayoutCompleted')`,
  );
  const invoices = await db.query<{ funded: string; refunded: string; net: string; fees: string }>(
    `select
       coalesce(sum(amount_cents) filter (where kind = 'employer_funding'), 0)::text as funded,
       coalesce(sum(refunded_cents) filter (where kind = 'employer_funding'), 0)::text as refunded,
       coalesce(sum(net_cents) filter (where kind = 'trainer_payout'), 0)::text as net,
       coalesce(sum(fee_cents) filter (where kind = 'trainer_payout'), 0)::text as fees
     from invoices`,
  );
  const l = ledger.rows[0]!;
  const i = invoices.rows[0]!;
  expect(cents(i.funded)).toBe(cents(l.funded));
  expect(cents(i.refunded)).toBe(cents(l.refunded));
  expect(cents(i.net)).toBe(cents(l.paid_out));
  expect(cents(i.fees)).toBe(cents(feesOfPaid.rows[0]?.fees));
}

describeEachDatabase('money invariants under random interleaved lifecycles', (target) => {
  let db: SqlDb;
  let store: PostgresEventStore;
  let commands: CommandHandling;
  let runners: ProjectorRunner[];

  beforeAll(async () => {
    db = await target.open();
    store = await PostgresEventStore.open(db);
    commands = new CommandHandling(store, systemClock);
    runners = [new ProjectorRunner(store, db, escrowLedgerProjection), new ProjectorRunner(store, db, invoicesProjection)];
    for (const runner of runners) await runner.prepare();
  });
  afterAll(async () => {
    await store.close();
    await db.close();
  });

  it('keeps every ledger invariant after every step, and invoice totals equal to ledger totals', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(planArbitrary, { minLength: 2, maxLength: 5 }), fc.array(fc.nat(), { minLength: 40, maxLength: 40 }), async (plans, picks) => {
        const pending = plans.map((plan) => {
          const contractId = randomUUID();
          return { contractId, steps: steps(contractId, plan) };
        });
        let pick = 0;
        while (pending.some((p) => p.steps.length > 0)) {
          const open = pending.filter((p) => p.steps.length > 0);
          const next = open[(picks[pick++ % picks.length] ?? 0) % open.length]!;
          const step = next.steps.shift()!;
          await commands.contract(next.contractId, step, { actor: service, correlationId: 'prop', causationId: 'prop' });
          for (const runner of runners) await catchUpToCommitted(runner, store);
          await expectMoneyAddsUp(db);
        }
      }),
      { numRuns: 6 },
    );

    // Every event real command handling wrote, across all those lifecycles, is what the feed's
    // published contract (docs/asyncapi.yaml) promises: envelope, metadata and data at its version.
    const written = await allEvents(store);
    expect(new Set(written.map((e) => e.type)).size).toBeGreaterThanOrEqual(8);
    expect(written.flatMap((e) => validateFeedMessage(toFeedMessage(e)).map((problem) => `${e.type} ${problem}`))).toEqual([]);
  }, 240_000);
});
