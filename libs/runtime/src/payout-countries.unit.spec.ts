import { ConfigError, loadConfig } from './config';
import { defaultPayoutCountries, defaultPayoutCountry } from './payout-countries';

describe('payout countries configuration', () => {
  it("defaults to the US and Stripe's cross-border payout countries for a US platform", () => {
    const countries = loadConfig({}).payoutCountries;
    expect(countries).toBe(defaultPayoutCountries);
    expect(countries).toContain(defaultPayoutCountry);
    // The United Kingdom, the EEA (27 EU members, Iceland, Liechtenstein, Norway), Canada, Switzerland.
    expect(countries).toHaveLength(1 + 1 + 27 + 3 + 1 + 1);
    expect(new Set(countries).size).toBe(countries.length);
    for (const country of ['GB', 'DE', 'FR', 'IE', 'NO', 'IS', 'LI', 'CA', 'CH']) expect(countries).toContain(country);
    for (const country of ['IN', 'BR', 'JP', 'AU', 'SG', 'NG']) expect(countries).not.toContain(country);
    expect(loadConfig({ PAYOUT_COUNTRIES: '' }).payoutCountries).toBe(defaultPayoutCountries);
  });

  it('takes a comma-separated list instead, spaces around entries allowed', () => {
    expect(loadConfig({ PAYOUT_COUNTRIES: 'US' }).payoutCountries).toEqual(['US']);
    expect(loadConfig({ PAYOUT_COUNTRIES: 'GB, DE ,FR' }).payoutCountries).toEqual(['GB', 'DE', 'FR']);
  });

  it.each([
    ['us,gb', /PAYOUT_COUNTRIES must be comma-separated ISO 3166-1 alpha-2 codes.*"us"/],
    ['USA', /"USA"/],
    ['US,,GB', /got ""/],
    ['US;GB', /"US;GB"/],
    ['US,GB,US', /PAYOUT_COUNTRIES names US twice/],
  ])('refuses PAYOUT_COUNTRIES=%j at start', (raw, message) => {
    expect(() => loadConfig({ PAYOUT_COUNTRIES: raw })).toThrow(ConfigError);
    expect(() => loadConfig({ PAYOUT_COUNTRIES: raw })).toThrow(message);
  });
});
