/**
 * Where trainers may open their payout account (a Stripe Connect Express account), as ISO 3166-1
 * alpha-2 codes. `PAYOUT_COUNTRIES` (comma-separated) replaces the default list; the list is read
 * and checked once, at start (`loadConfig`).
 *
 * The default is our own country plus the countries Stripe publishes for cross-border payouts from
 * a US platform to connected accounts under the full service agreement (the one our Express
 * accounts use): the United Kingdom, the EEA, Canada and Switzerland
 * (https://docs.stripe.com/connect/cross-border-payouts, "Availability"). Stripe's older, longer
 * list was for the recipient service agreement, now Global Payouts: not used here.
 */
export const defaultPayoutCountries: readonly string[] = Object.freeze([
  // The platform's own country: a domestic payout, not a cross-border one.
  'US',
  // United Kingdom, Canada, Switzerland.
  'GB', 'CA', 'CH',
  // The European Union…
  'AT', 'BE', 'BG', 'HR', 'CY', 'CZ', 'DK', 'EE', 'FI', 'FR', 'DE', 'GR', 'HU', 'IE',
  'IT', 'LV', 'LT', 'LU', 'MT', 'NL', 'PL', 'PT', 'RO', 'SK', 'SI', 'ES', 'SE',
  // …and the rest of the EEA.
  'IS', 'LI', 'NO',
]);

/** A new payout account opens here when onboarding names no country (what every account got before countries were taken). */
export const defaultPayoutCountry = 'US';

/** An ISO 3166-1 alpha-2 code as the API and the configuration take it: two capital letters. */
export const countryCodePattern = /^[A-Z]{2}$/;

/**
 * The configured list, or why it is refused: every entry two capital letters (surrounding spaces
 * allowed), none twice, at least one. Unset or empty: the default list.
 */
export function parsePayoutCountries(raw: string | undefined): { countries: readonly string[] } | { problem: string } {
  if (raw === undefined || raw.trim() === '') return { countries: defaultPayoutCountries };
  const countries = raw.split(',').map((entry) => entry.trim());
  const seen = new Set<string>();
  for (const country of countries) {
    if (!countryCodePattern.test(country)) {
      return { problem: `PAYOUT_COUNTRIES must be comma-separated ISO 3166-1 alpha-2 codes in capitals (US,GB,DE), got ${JSON.stringify(country)} in ${JSON.stringify(raw)}` };
    }
    if (seen.has(country)) return { problem: `PAYOUT_COUNTRIES names ${country} twice` };
    seen.add(country);
  }
  return { countries: Object.freeze(countries) };
}
