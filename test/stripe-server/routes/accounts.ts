import { invalidRequest, noSuchParam } from '../errors';
import { newId } from '../ids';
import { buildAccount, buildAccountLink, requirements } from '../objects/account';
import { ok, pathParam, type Route, type RouteContext } from '../router';
import { mustGet, type StripeState } from '../state';

const accountLinkLifetimeSeconds = 300;

/** What Stripe does once the person finished onboarding: everything enabled, nothing due. */
export function completeOnboarding(state: StripeState, accountId: string): void {
  const account = state.accounts.get(accountId);
  if (account === undefined) throw noSuchParam('account', accountId, 'account');
  const previous = { payouts_enabled: account.payouts_enabled, charges_enabled: account.charges_enabled,
    details_submitted: account.details_submitted, capabilities: { ...account.capabilities },
    requirements: structuredClone(account.requirements) };
  account.payouts_enabled = true;
  account.charges_enabled = true;
  account.details_submitted = true;
  account.capabilities = { ...account.capabilities, transfers: 'active' };
  for (const name of Object.keys(account.capabilities)) account.capabilities[name] = 'active';
  account.requirements = requirements([]);
  state.emit('account.updated', account, previous);
}

function requestedCapabilities(context: RouteContext): string[] {
  const capabilities = context.params.object('capabilities');
  return Object.entries(capabilities)
    .filter(([, value]) => typeof value === 'object' && !Array.isArray(value) && value['requested'] === 'true')
    .map(([name]) => name);
}

/** Stripe's default for a new account is the platform's country (this server's platform is in the US). */
const platformCountry = 'US';

/**
 * `country`: an ISO 3166-1 alpha-2 code, echoed in capitals on the account; anything else is
 * refused naming the parameter, as Stripe refuses an unknown country.
 */
function accountCountry(context: RouteContext): string {
  const country = context.params.optString('country');
  if (country === null) return platformCountry;
  if (!/^[A-Za-z]{2}$/.test(country)) {
    throw invalidRequest(`Country '${country}' is unknown. Try using a 2-character alphanumeric country code instead, such as 'US', 'EG', or 'GB'.`, 'country');
  }
  return country.toUpperCase();
}

function createAccountLink({ state, params }: RouteContext) {
  const accountId = params.string('account');
  if (!state.accounts.has(accountId)) throw noSuchParam('account', accountId, 'account');
  const returnUrl = params.optString('return_url');
  if (returnUrl !== null) state.onboardingReturnUrls.set(accountId, returnUrl);
  const created = state.nowSeconds();
  return buildAccountLink({ created, expiresAt: created + accountLinkLifetimeSeconds,
    url: `${state.baseUrl()}/_test/onboarding/${accountId}` });
}

export const accountRoutes: Route[] = [
  {
    route: 'POST /v1/accounts',
    handle(context) {
      const { state, params } = context;
      const account = buildAccount({ id: newId('acct'), created: state.nowSeconds(),
        type: params.optString('type') ?? 'express', country: accountCountry(context),
        email: params.optString('email'), requestedCapabilities: requestedCapabilities(context),
        metadata: params.metadata() });
      state.accounts.set(account.id, account);
      return ok(account);
    },
  },
  {
    route: 'GET /v1/accounts/:id',
    handle: (context) => ok(mustGet(context.state.accounts, pathParam(context), 'account')),
  },
  { route: 'POST /v1/account_links', handle: (context) => ok(createAccountLink(context)) },
];
