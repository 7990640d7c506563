import { escrowAccount, parseAccount, trainerPayableAccount } from './accounts';

describe('chart of accounts', () => {
  it('names accounts per contract and per trainer', () => {
    expect(escrowAccount('c-1')).toBe('escrow:contract:c-1');
    expect(trainerPayableAccount('tr_ada')).toBe('trainer_payable:tr_ada');
  });

  it('parses the names it makes, and the platform accounts', () => {
    expect(parseAccount('escrow:contract:c-1')).toEqual({ kind: 'escrow', account: 'escrow:contract:c-1', contractId: 'c-1' });
    expect(parseAccount('trainer_payable:tr_ada')).toEqual({ kind: 'trainer_payable', account: 'trainer_payable:tr_ada', trainerId: 'tr_ada' });
    for (const name of ['platform:stripe_balance', 'platform:fee_revenue', 'platform:stripe_fees']) {
      expect(parseAccount(name)).toEqual({ kind: 'platform', account: name });
    }
  });

  it.each(['', 'escrow:contract:', 'escrow:contract:a:b', 'escrow:contract:a b', 'platform:other', 'trainer_payable:' + 'x'.repeat(65), 'cash'])(
    'refuses %j',
    (name) => {
      expect(parseAccount(name)).toBeNull();
    },
  );

  it('refuses to build an account name from an id outside the id alphabet', () => {
    expect(() => escrowAccount('a:b')).toThrow(/fits an account name/);
  });
});
