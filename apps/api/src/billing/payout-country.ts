import { conflict, unprocessable } from '@escrow/domain';
import { PaymentGatewayError, type PayoutAccount, type PaymentGateway } from '@escrow/payments';
import { providerCall } from './provider-call';

/**
 * The configured payout countries (`PAYOUT_COUNTRIES`) decide where a new payout account may be
 * opened. A country outside them is a 422 naming it, before any provider call or write.
 * `defaulted`: the caller gave none and the default was used, which the message says.
 */
export function requireSupportedPayoutCountry(country: string, supported: readonly string[], defaulted: boolean): void {
  if (supported.includes(country)) return;
  const which = defaulted ? `${country} (the default when no country is given)` : country;
  throw unprocessable('payout_country_unsupported', `country: ${which} is not a supported payout country; supported: ${supported.join(', ')}`);
}

/**
 * Opens (or, with `accountId`, finds) the trainer's payout account at the provider, under a key
 * bound to the trainer: one account per trainer even when requests race or one crashes before
 * its account is recorded. Stripe refuses that key with other parameters (a country other than
 * the unrecorded account's) as a reused key, which is the caller's 409, not our integration error.
 */
export async function openPayoutAccount(
  gateway: PaymentGateway,
  request: { readonly trainerId: string; readonly accountId: string | null; readonly country: string },
): Promise<PayoutAccount> {
  const { trainerId } = request;
  try {
    return await providerCall(`payout account for trainer ${trainerId}`, () =>
      gateway.createPayoutAccount({ idempotencyKey: `payout-account:${trainerId}`, ...request }),
    );
  } catch (error) {
    if (!(error instanceof PaymentGatewayError) || error.code !== 'idempotency_key_reused') throw error;
    throw conflict(
      'payout_country_mismatch',
      `country: trainer ${trainerId}'s payout account was opened by an earlier request in another country than ${request.country}; an account's country cannot change (ask again with that country)`,
    );
  }
}
