import { unprocessable } from '@escrow/domain';

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
