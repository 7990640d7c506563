import { InvariantViolation, undecidedEventTypes, usd } from '@escrow/domain';
import { invoiceIdFor, invoiceNumber, issueYear, seriesOf } from './invoice-numbering';
import {
  contractFacts,
  evolveMilestoneFacts,
  fundingInvoice,
  numbered,
  paymentStatusAfterRefunds,
  payoutInvoice,
  refunded,
  invoiceEventUses,
  toSourceEvent,
  type FactEvent,
  type InvoiceEvent,
  type MilestoneFacts,
  type SourceEvent,
} from './invoices.evolve';

const contractId = 'c1';
const milestoneId = 'm1';
const ref = { contractId, milestoneId };
let counter = 0;
function source<E extends InvoiceEvent>(event: E, occurredAt = '2026-03-14T09:00:00.000Z'): SourceEvent<E> {
  counter += 1;
  const eventId = `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`;
  const record = { type: event.type, event, eventId, occurredAt, metadata: { occurredAt }, streamId: `contract-${contractId}`, revision: counter, position: String(counter).padStart(4, '0') };
  // A record of one event type; tsc cannot see that through the generic E.
  return record as SourceEvent<E>;
}

const contract = contractFacts({ type: 'ContractCreated', data: { contractId, employerId: 'emp_1', trainerId: 'tr_1', projectName: 'Eval' } });
const created = { type: 'MilestoneCreated', data: { ...ref, name: 'Batch 1', description: '500 prompts', amount: usd(15_000), dueDate: null } } as const;
const funded = { type: 'MilestoneFunded', data: { ...ref, amount: usd(15_000), paymentIntentId: 'pi_1', chargeId: 'ch_1' } } as const;
const approved = {
  type: 'MilestoneApproved',
  data: { ...ref, trainerId: 'tr_1', amount: usd(15_000), fee: usd(1_500), net: usd(13_500), feeBps: 1_000, chargeId: 'ch_1', reason: 'employer' },
} as const;
const paidOut = { type: 'MilestonePayoutCompleted', data: { ...ref, trainerId: 'tr_1', amount: usd(13_500), transferId: 'tr_x', destinationAccountId: 'acct_1' } } as const;

function factsAfter(...events: FactEvent[]): MilestoneFacts {
  return events.reduce<MilestoneFacts | null>((facts, event) => evolveMilestoneFacts(facts, source(event)), null)!;
}

describe('invoice numbering', () => {
  it('names a series by kind and the UTC year of the issue date', () => {
    expect(seriesOf('employer_funding', '2026-03-14T09:00:00.000Z')).toBe('E-2026');
    expect(seriesOf('trainer_payout', '2027-01-01T00:00:00Z')).toBe('T-2027');
    // 00:30 on 1 January in Paris is still 2026 in UTC.
    expect(issueYear('2027-01-01T00:30:00+01:00')).toBe(2026);
  });

  it('pads the counter to six digits and lets a series outgrow them', () => {
    expect(invoiceNumber('E-2026', 1)).toBe('E-2026-000001');
    expect(invoiceNumber('T-2026', 123_456)).toBe('T-2026-123456');
    expect(invoiceNumber('T-2026', 1_234_567)).toBe('T-2026-1234567');
    expect(() => invoiceNumber('E-2026', 0)).toThrow(InvariantViolation);
    expect(() => invoiceNumber('E-2026', 1.5)).toThrow(InvariantViolation);
  });

  it('refuses an issue date that is not an ISO-8601 timestamp', () => {
    expect(() => seriesOf('employer_funding', 'yesterday')).toThrow(InvariantViolation);
    expect(() => seriesOf('employer_funding', '2026-03-14')).toThrow(InvariantViolation);
  });

  it('derives the invoice id from the issuing event id, so a rebuild reproduces it', () => {
    expect(invoiceIdFor('0B6D3F52-6C1E-4F57-9A43-8C2F1E5D7A10')).toBe('inv_0b6d3f52-6c1e-4f57-9a43-8c2f1e5d7a10');
    expect(invoiceIdFor('abc')).toBe(invoiceIdFor('abc'));
    expect(() => invoiceIdFor('../etc')).toThrow(InvariantViolation);
  });
});

describe('invoice facts and issuing', () => {
  it('issues the employer funding invoice from the contract, the milestone and the funding', () => {
    const event = source(funded, '2026-03-14T09:05:27.123Z');
    const milestone = evolveMilestoneFacts(factsAfter(created), event);
    const invoice = numbered(fundingInvoice(contract, milestone, event), 7);
    expect(invoice).toMatchObject({
      id: invoiceIdFor(event.eventId),
      number: 'E-2026-000007',
      series: 'E-2026',
      sequence: 7,
      kind: 'employer_funding',
      issuedAt: '2026-03-14T09:05:27.123Z',
      employerId: 'emp_1',
      trainerId: 'tr_1',
      projectName: 'Eval',
      milestoneName: 'Batch 1',
      description: '500 prompts',
      billingType: 'fixed_price_milestone',
      amountCents: 15_000,
      feeCents: null,
      netCents: null,
      paymentStatus: 'paid',
      paymentIntentId: 'pi_1',
      chargeId: 'ch_1',
      transferId: null,
    });
    expect(milestone.fundingInvoiceId).toBe(invoice.id);
  });

  it('issues the trainer payout invoice with the gross, fee and net fixed at approval', () => {
    const milestone = factsAfter(created, funded, approved);
    const invoice = payoutInvoice(contract, milestone, source(paidOut, '2026-04-01T10:00:00Z'));
    expect(invoice).toMatchObject({
      kind: 'trainer_payout',
      series: 'T-2026',
      amountCents: 15_000,
      feeCents: 1_500,
      netCents: 13_500,
      paymentStatus: 'paid',
      transferId: 'tr_x',
      chargeId: 'ch_1',
      paymentIntentId: null,
    });
  });

  it('takes the released part of a split dispute resolution as the payout gross', () => {
    const resolved = {
      type: 'MilestoneDisputeResolved',
      data: {
        ...ref, resolution: 'split', trainerId: 'tr_1', trainerAmount: usd(10_000), refundAmount: usd(5_000),
        fee: usd(1_000), net: usd(9_000), feeBps: 1_000, chargeId: 'ch_1', note: 'half done',
      },
    } as const;
    const milestone = factsAfter(created, funded, resolved);
    const payout = { ...paidOut, data: { ...paidOut.data, amount: usd(9_000) } };
    expect(payoutInvoice(contract, milestone, source(payout))).toMatchObject({ amountCents: 10_000, feeCents: 1_000, netCents: 9_000 });
  });

  it('refuses a payout that does not transfer the net, or comes before any release', () => {
    const wrong = { ...paidOut, data: { ...paidOut.data, amount: usd(15_000) } };
    expect(() => payoutInvoice(contract, factsAfter(created, funded, approved), source(wrong))).toThrow(/transfers the net/);
    expect(() => payoutInvoice(contract, factsAfter(created, funded), source(paidOut))).toThrow(/follows its release/);
  });

  it('refuses facts out of order: a milestone created twice, or funded before it exists', () => {
    expect(() => evolveMilestoneFacts(factsAfter(created), source(created))).toThrow(InvariantViolation);
    expect(() => evolveMilestoneFacts(null, source(funded))).toThrow(InvariantViolation);
  });
});

describe('refunds on the funding invoice', () => {
  const invoice = numbered(fundingInvoice(contract, factsAfter(created, funded), source(funded)), 1);
  const refund = (cents: number, refundId: string) =>
    source({ type: 'MilestoneRefunded', data: { ...ref, amount: usd(cents), refundId, chargeId: 'ch_1' } }, '2026-05-01T00:00:00Z');

  it('is partially refunded below the invoiced amount, refunded at it', () => {
    const partly = refunded(invoice, refund(5_000, 're_1'));
    expect(partly).toMatchObject({ paymentStatus: 'partially_refunded', refundedCents: 5_000, refundIds: ['re_1'], updatedAt: '2026-05-01T00:00:00Z' });
    const fully = refunded(partly, refund(10_000, 're_2'));
    expect(fully).toMatchObject({ paymentStatus: 'refunded', refundedCents: 15_000, refundIds: ['re_1', 're_2'] });
    expect(fully.amountCents).toBe(15_000);
    expect(fully.number).toBe(invoice.number);
  });

  it('never refunds more than was invoiced', () => {
    expect(() => refunded(invoice, refund(15_001, 're_3'))).toThrow(InvariantViolation);
    expect(paymentStatusAfterRefunds(100, 0)).toBe('paid');
    expect(paymentStatusAfterRefunds(100, 1)).toBe('partially_refunded');
    expect(paymentStatusAfterRefunds(100, 100)).toBe('refunded');
  });
});

describe('which events the projection reads', () => {
  const recorded = (type: string) => ({
    eventId: 'e1', type, data: {}, metadata: { occurredAt: '2026-01-01T00:00:00Z' }, streamId: 'contract-c1', revision: 0, position: '1',
  });

  it('has decided, for every event type of the catalog, whether it reads it', () => {
    expect(undecidedEventTypes(invoiceEventUses, ['read'])).toEqual([]);
  });

  it('keeps the events it needs and ignores the rest', () => {
    expect(toSourceEvent(recorded('MilestoneFunded'))?.occurredAt).toBe('2026-01-01T00:00:00Z');
    expect(toSourceEvent(recorded('MilestoneFundingRequested'))).toBeNull();
    expect(toSourceEvent(recorded('EmployerPaymentMethodAttached'))).toBeNull();
  });

  it('requires the occurredAt that becomes the issue date', () => {
    expect(() => toSourceEvent({ ...recorded('MilestoneFunded'), metadata: {} })).toThrow(/occurredAt/);
  });
});
