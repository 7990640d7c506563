/** How a charge with one of Stripe's test payment methods ends. */
export interface Decline {
  readonly reason: string;
  readonly declineCode: string;
}

/**
 * Stripe's test-mode payment methods that we simulate: `null` charges succeed, the others
 * attach fine and are declined at charge time, with Stripe's messages and decline codes.
 */
export const testPaymentMethods: ReadonlyMap<string, Decline | null> = new Map<string, Decline | null>([
  ['pm_card_visa', null],
  ['pm_card_mastercard', null],
  ['pm_card_amex', null],
  ['pm_card_chargeDeclined', { reason: 'Your card was declined.', declineCode: 'generic_decline' }],
  ['pm_card_chargeDeclinedInsufficientFunds', { reason: 'Your card has insufficient funds.', declineCode: 'insufficient_funds' }],
  ['pm_card_chargeDeclinedExpiredCard', { reason: 'Your card has expired.', declineCode: 'expired_card' }],
]);
