import { useState } from 'preact/hooks';
import { postJson } from '../api';
import type { Session } from '../session';
import { ActionButton, ErrorNote, Page, useLoad } from '../ui';

/** The simulated gateway's test cards (Stripe's test payment method ids): what each does when charged. */
const testCards = [
  ['pm_card_visa', 'Visa: charges succeed'],
  ['pm_card_mastercard', 'Mastercard: charges succeed'],
  ['pm_card_amex', 'American Express: charges succeed'],
  ['pm_card_chargeDeclined', 'Declined (generic)'],
  ['pm_card_chargeDeclinedInsufficientFunds', 'Declined: insufficient funds'],
  ['pm_card_chargeDeclinedExpiredCard', 'Declined: expired card'],
] as const;

interface Attached {
  readonly customerId: string;
  readonly paymentMethodId: string;
}

/** Employer billing settings: the card milestones are charged to. */
export function PaymentMethodPage(props: { session: Session }) {
  const health = useLoad(() => fetch('/health').then((r) => r.json() as Promise<{ payments: 'simulated' | 'stripe' }>), []);
  const [card, setCard] = useState<string>(testCards[0][0]);
  const [attached, setAttached] = useState<Attached>();
  const attach = async () => {
    setAttached(
      await postJson<Attached>(props.session, `/v1/employers/${encodeURIComponent(props.session.id)}/payment-method`, { paymentMethodId: card }, crypto.randomUUID()),
    );
  };
  return (
    <Page title="Billing">
      <ErrorNote error={health.error} />
      {health.data?.payments === 'simulated' ? (
        <form class="grid" onSubmit={(e) => e.preventDefault()}>
          <label for="test-card">Test card</label>
          <select id="test-card" value={card} onChange={(e) => setCard(e.currentTarget.value)}>
            {testCards.map(([id, label]) => (
              <option value={id}>{label}</option>
            ))}
          </select>
          <span />
          <ActionButton label="Use this card" kind="primary" run={attach} />
        </form>
      ) : null}
      {health.data?.payments === 'stripe' ? (
        <p>
          Payments go through Stripe here. Adding a card in the browser (Stripe Elements with the SetupIntent of{' '}
          <code>POST /v1/employers/{props.session.id}/setup-intent</code>) is not in the console yet.
        </p>
      ) : null}
      {attached ? (
        <p role="status" class="status ok">
          Milestones are now charged to {attached.paymentMethodId} (customer {attached.customerId}).
        </p>
      ) : null}
    </Page>
  );
}
