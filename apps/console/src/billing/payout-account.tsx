import { useState } from 'preact/hooks';
import { postJson } from '../api';
import type { Session } from '../session';
import { ActionButton, Page } from '../ui';

interface PayoutAccount {
  readonly accountId: string;
  readonly country: string;
  readonly payoutsEnabled: boolean;
  readonly onboardingUrl: string | null;
}

/** Trainer payout settings: open (or refresh) the payout account and follow its onboarding link. */
export function PayoutAccountPage(props: { session: Session }) {
  const [country, setCountry] = useState('');
  const [account, setAccount] = useState<PayoutAccount>();
  const open = async () => {
    setAccount(
      await postJson<PayoutAccount>(
        props.session,
        `/v1/trainers/${encodeURIComponent(props.session.id)}/payout-account`,
        country.trim() ? { country: country.trim() } : {},
        crypto.randomUUID(),
      ),
    );
  };
  return (
    <Page title="Payouts">
      <form class="grid" onSubmit={(e) => e.preventDefault()}>
        <label for="payout-country">Country (new account)</label>
        <input id="payout-country" value={country} placeholder="US" maxLength={2} onInput={(e) => setCountry(e.currentTarget.value)} />
        <span />
        <ActionButton label="Open or refresh payout account" kind="primary" run={open} />
      </form>
      {account ? (
        <dl class="facts" aria-live="polite">
          <dt>Account</dt>
          <dd class="id">{account.accountId}</dd>
          <dt>Country</dt>
          <dd>{account.country}</dd>
          <dt>Payouts</dt>
          <dd>{account.payoutsEnabled ? 'enabled' : 'not enabled yet: finish onboarding'}</dd>
          <dt>Onboarding</dt>
          <dd>{account.onboardingUrl ? <a href={account.onboardingUrl}>Continue onboarding at the payment provider</a> : '—'}</dd>
        </dl>
      ) : null}
    </Page>
  );
}
