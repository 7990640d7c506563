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
    expect(scopedFilter(trainer, { employerId: 'emp_acme' })).toEqual({ employerId: 'emp_acme', trainerId: 'tr_ada', kind: 'trainer_payout' });
    expect(scopedFilter(finance, { trainerId: 'tr_x' })).toEqual({ trainerId: 'tr_x' });
    expect(scopedFilter({ role: 'support', id: 's' }, {})).toEqual({});
  });

  it('refuses an explicit filter for someone else, naming the field', () => {
    expect(refusal(() => scopedFilter(employer, { employerId: 'emp_other' }))).toMatchObject({ kind: 'forbidden', message: expect.stringMatching(/^employerId: /) });
    expect(refusal(() => scopedFilter(trainer, { trainerId: 'tr_other' }))).toMatchObject({ kind: 'forbidden', message: expect.stringMatching(/^trainerId: /) });
    expect(refusal(() => scopedFilter(employer, { kind: 'trainer_payout' }))).toMatchObject({ message: expect.stringMatching(/^kind: /) });
    expect(refusal(() => scopedFilter({ role: 'service', id: 'svc' }, {}))).toMatchObject({ kind: 'forbidden' });
  });

  it('answers for an invoice the caller may not read exactly as for a missing one', () => {
    const funding = fundingInvoiceFixture();
    const payout = payoutInvoiceFixture();
    expect(mayRead(employer, funding)).toBe(true);
    expect(mayRead(employer, payout)).toBe(false);
    expect(mayRead(trainer, payout)).toBe(true);
    expect(mayRead(trainer, funding)).toBe(false);
    expect(mayRead({ role: 'employer', id: 'emp_other' }, funding)).toBe(false);
    expect(mayRead(finance, payout)).toBe(true);
    const hidden = refusal(() => requireReadable(employer, payout.id, payout));
    const missing = refusal(() => requireReadable(employer, payout.id, null));
    expect(hidden).toMatchObject({ kind: 'not_found', code: 'invoice_not_found' });
    expect(hidden.message).toBe(missing.message);
  });
});
