import { DomainError } from '@escrow/domain';
import { defaultPayoutCountries } from '@escrow/runtime';
import { requireSupportedPayoutCountry } from './payout-country';

function refusal(run: () => void): DomainError {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('supported payout countries', () => {
  it('accepts every country of the list', () => {
    for (const country of defaultPayoutCountries) expect(() => requireSupportedPayoutCountry(country, defaultPayoutCountries, false)).not.toThrow();
  });

  it('refuses another with a 422 naming the country and the list', () => {
    expect(refusal(() => requireSupportedPayoutCountry('IN', ['US', 'GB'], false))).toMatchObject({
      kind: 'unprocessable',
      code: 'payout_country_unsupported',
      message: 'country: IN is not a supported payout country; supported: US, GB',
    });
  });

  it('says when the refused country was the default, not one the caller named', () => {
    expect(refusal(() => requireSupportedPayoutCountry('US', ['GB'], true)).message).toBe(
      'country: US (the default when no country is given) is not a supported payout country; supported: GB',
    );
  });
});
