import { DomainError } from '../shared/errors';
import type { Actor } from '../shared/metadata';
import { requireThisEmployer, requireThisTrainer, type EmployerAction } from './ownership';

/** The rule the deciders and the application (before any provider call) both ask. */
function refusal(check: () => void): Pick<DomainError, 'kind' | 'code' | 'message'> | null {
  try {
    check();
    return null;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    return { kind: error.kind, code: error.code, message: error.message };
  }
}

const strangers: readonly Actor[] = [
  { role: 'employer', id: 'emp_2' },
  { role: 'trainer', id: 'emp_1' },
  { role: 'support', id: 'emp_1' },
  { role: 'finance', id: 'fin_1' },
  { role: 'service', id: 'payment-saga' },
];

describe('billing accounts act only for themselves', () => {
  it.each<[EmployerAction, string]>([
    ['AttachPaymentMethod', 'an employer can only attach its own payment method'],
    ['RecordCustomer', 'an employer can only record its own customer'],
    ['StartPaymentMethodSetup', 'an employer can only set up its own payment method'],
  ])('%s: only the employer itself; anyone else is refused, naming the action', (action, message) => {
    expect(refusal(() => requireThisEmployer({ role: 'employer', id: 'emp_1' }, 'emp_1', action))).toBeNull();
    for (const actor of strangers) {
      expect(refusal(() => requireThisEmployer(actor, 'emp_1', action))).toEqual({ kind: 'forbidden', code: 'not_this_employer', message });
    }
  });

  it('a payout account: only the trainer itself', () => {
    expect(refusal(() => requireThisTrainer({ role: 'trainer', id: 'tr_1' }, 'tr_1'))).toBeNull();
    for (const actor of [...strangers, { role: 'employer', id: 'tr_1' } as const]) {
      expect(refusal(() => requireThisTrainer(actor, 'tr_1'))).toEqual({
        kind: 'forbidden',
        code: 'not_this_trainer',
        message: 'a trainer can only connect its own payout account',
      });
    }
  });
});
