import { assert } from '@escrow/domain';

/**
 * The chart of accounts (README, "Double-entry ledger"). The names are public: reports,
 * routes and finance's spreadsheets use them, so they never change.
 */
export const platformStripeBalance = 'platform:stripe_balance';
export const platformFeeRevenue = 'platform:fee_revenue';
/**
 * Reserved for Stripe's own processing fee (the platform's cost): Dr platform:stripe_fees f /
 * Cr platform:stripe_balance f. No event carries that fee yet, so nothing posts to it; see the
 * MilestoneFunded rule in posting-rules.ts for where it will go.
 */
export const platformStripeFees = 'platform:stripe_fees';
/** What lost chargebacks cost the platform when the money had already left escrow. */
export const platformChargebackLosses = 'platform:chargeback_losses';
export const escrowAccountPrefix = 'escrow:contract:';
export const trainerPayablePrefix = 'trainer_payable:';

export const platformAccounts: readonly string[] = [platformStripeBalance, platformFeeRevenue, platformStripeFees, platformChargebackLosses];

/** Owner ids inside account names: the same alphabet as the ids in paths, so names stay unambiguous. */
const ownerIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

export type ParsedAccount =
  | { readonly kind: 'platform'; readonly account: string }
  | { readonly kind: 'escrow'; readonly account: string; readonly contractId: string }
  | { readonly kind: 'trainer_payable'; readonly account: string; readonly trainerId: string };

export function escrowAccount(contractId: string): string {
  assert(ownerIdPattern.test(contractId), `contract id ${JSON.stringify(contractId)} fits an account name`);
  return `${escrowAccountPrefix}${contractId}`;
}

export function trainerPayableAccount(trainerId: string): string {
  assert(ownerIdPattern.test(trainerId), `trainer id ${JSON.stringify(trainerId)} fits an account name`);
  return `${trainerPayablePrefix}${trainerId}`;
}

/** The account a name stands for, or null when it is not in the chart of accounts. */
export function parseAccount(name: string): ParsedAccount | null {
  if (platformAccounts.includes(name)) return { kind: 'platform', account: name };
  const contractId = ownerOf(name, escrowAccountPrefix);
  if (contractId !== null) return { kind: 'escrow', account: name, contractId };
  const trainerId = ownerOf(name, trainerPayablePrefix);
  if (trainerId !== null) return { kind: 'trainer_payable', account: name, trainerId };
  return null;
}

function ownerOf(name: string, prefix: string): string | null {
  if (!name.startsWith(prefix)) return null;
  const owner = name.slice(prefix.length);
  return ownerIdPattern.test(owner) ? owner : null;
}

export function isEscrowAccount(name: string): boolean {
  return name.startsWith(escrowAccountPrefix);
}
