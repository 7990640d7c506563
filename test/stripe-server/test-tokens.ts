/** Stripe's test payment method tokens and how a clone of each behaves when charged. */

export type CardOutcome =
  | { kind: 'succeed' }
  | { kind: 'decline'; code: string; declineCode: string; message: string }
  | { kind: 'authenticate' };

export type PaymentBehaviour =
  | { type: 'card'; brand: string; last4: string; funding: string; outcome: CardOutcome }
  | { type: 'us_bank_account'; last4: string; settlesAs: 'succeeded' | 'failed' };

const succeed: CardOutcome = { kind: 'succeed' };

export const testTokens: Readonly<Record<string, PaymentBehaviour>> = {
  pm_card_visa: { type: 'card', brand: 'visa', last4: '4242', funding: 'credit', outcome: succeed },
  pm_card_mastercard: { type: 'card', brand: 'mastercard', last4: '4444', funding: 'credit', outcome: succeed },
  pm_card_amex: { type: 'card', brand: 'amex', last4: '8431', funding: 'credit', outcome: succeed },
  pm_card_chargeDeclined: { type: 'card', brand: 'visa', last4: '0002', funding: 'credit',
    outcome: { kind: 'decline', code: 'card_declined', declineCode: 'generic_decline', message: 'Your card was declined.' } },
  pm_card_chargeDeclinedInsufficientFunds: { type: 'card', brand: 'visa', last4: '9995', funding: 'credit',
    outcome: { kind: 'decline', code: 'card_declined', declineCode: 'insufficient_funds',
      message: 'Your card has insufficient funds.' } },
  pm_card_chargeDeclinedExpiredCard: { type: 'card', brand: 'visa', last4: '0069', funding: 'credit',
    outcome: { kind: 'decline', code: 'expired_card', declineCode: 'expired_card', message: 'Your card has expired.' } },
  pm_card_authenticationRequired: { type: 'card', brand: 'visa', last4: '3184', funding: 'credit',
    outcome: { kind: 'authenticate' } },
  pm_usBankAccount_success: { type: 'us_bank_account', last4: '6789', settlesAs: 'succeeded' },
  pm_usBankAccount_accountClosed: { type: 'us_bank_account', last4: '1113', settlesAs: 'failed' },
};

export function testToken(id: string): PaymentBehaviour | undefined {
  return Object.hasOwn(testTokens, id) ? testTokens[id] : undefined;
}
