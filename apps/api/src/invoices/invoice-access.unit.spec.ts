import { DomainError, type Actor } from '@escrow/domain';
import { fundingInvoiceFixture, payoutInvoiceFixture } from '../../../../projections/invoices/invoice.fixtures';
import { mayRead, requireReadable, scopedFilter } from './invoice-access';

const employer: Actor = { role: 'employer', id: 'emp_acme' };
const trainer: Actor = { role: 'trainer', id: 'tr_ada' };
const finance: Actor = { role: 'finance', id: 'fin_1' };

function refusal(run: () => unknown): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('invoice access', () => {
  it('narrows employers to their funding invoices and trainers to their payout invoices', () => {
    expect(scopedFilter(employer, { contractId: 'c1' })).toEqual({ contractId: 'c1', employerId: 'emp_acme', kind: 'employer_funding' });
    // The payout invoices of the employer's own contracts, asked for by kind.
    expect(scopedFilter(employer, { kind: 'trainer_payout' })).toEqual({ employerId: 'emp_acme', kind: 'trainer_payout' });
    expect(scopedFilter(employer, { employerId: 'emp_acme', kind: 'trainer_payout', trainerId: 'tr_x' })).toEqual({ employerId: 'emp_acme', kind: 'trainer_payout', trainerId: 'tr_x' });
    expect(scopedFilter(trainer, { employerId: 'emp_acme' })).toEqual({ employerId: 'emp_acme', trainerId: 'tr_ada', kind: 'trainer_payout' });
    expect(scopedFilter(finance, { trainerId: 'tr_x' })).toEqual({ trainerId: 'tr_x' });
    expect(scopedFilter({ role: 'support', id: 's' }, {})).toEqual({});
  });

  it('refuses an explicit filter for someone else, naming the field', () => {
    expect(refusal(() => scopedFilter(employer, { employerId: 'emp_other' }))).toMatchObject({ kind: 'forbidden', message: expect.stringMatching(/^employerId: /) });
    expect(refusal(() => scopedFilter(trainer, { trainerId: 'tr_other' }))).toMatchObject({ kind: 'forbidden', message: expect.stringMatching(/^trainerId: /) });
    expect(refusal(() => scopedFilter(employer, { employerId: 'emp_other', kind: 'trainer_payout' }))).toMatchObject({ kind: 'forbidden', message: expect.stringMatching(/^employerId: /) });
    expect(refusal(() => scopedFilter(trainer, { kind: 'employer_funding' }))).toMatchObject({ message: expect.stringMatching(/^kind: /) });
    expect(refusal(() => scopedFilter({ role: 'service', id: 'svc' }, {}))).toMatchObject({ kind: 'forbidden' });
  });

  it('answers for an invoice the caller may not read exactly as for a missing one', () => {
    const funding = fundingInvoiceFixture();
    const payout = payoutInvoiceFixture();
    const otherEmployer: Actor = { role: 'employer', id: 'emp_other' };
    const otherTrainer: Actor = { role: 'trainer', id: 'tr_other' };
    expect(mayRead(employer, funding)).toBe(true);
    expect(mayRead(trainer, payout)).toBe(true);
    expect(mayRead(trainer, funding)).toBe(false);
    expect(mayRead(otherEmployer, funding)).toBe(false);
    expect(mayRead(otherTrainer, payout)).toBe(false);
    expect(mayRead(finance, payout)).toBe(true);
    expect(mayRead({ role: 'service', id: 'svc' }, payout)).toBe(false);
    const hidden = refusal(() => requireReadable(otherEmployer, payout.id, payout));
    const missing = refusal(() => requireReadable(otherEmployer, payout.id, null));
    expect(hidden).toMatchObject({ kind: 'not_found', code: 'invoice_not_found' });
    expect(hidden.message).toBe(missing.message);
  });

  it("lets the contract's employer read the payout invoices of their own contracts, and no other employer", () => {
    const payout = payoutInvoiceFixture();
    expect(payout.employerId).toBe(employer.id);
    expect(mayRead(employer, payout)).toBe(true);
    expect(requireReadable(employer, payout.id, payout)).toBe(payout);
    // Another employer's contract: a payout invoice of theirs is as missing as a funding one.
    const elsewhere = payoutInvoiceFixture({ employerId: 'emp_other' });
    expect(mayRead(employer, elsewhere)).toBe(false);
    expect(refusal(() => requireReadable(employer, elsewhere.id, elsewhere))).toMatchObject({ kind: 'not_found', code: 'invoice_not_found' });
    // Nobody else gains anything: the trainer still sees only their own payouts, never fundings.
    expect(mayRead(trainer, fundingInvoiceFixture())).toBe(false);
    expect(mayRead({ role: 'trainer', id: 'tr_other' }, payout)).toBe(false);
  });
});
