import { useEffect, useRef, useState } from 'preact/hooks';
import { postJson } from '../api';
import { navigate } from '../router';
import type { Session } from '../session';
import { consoleSettings, type ConsoleSettings } from '../settings';
import { ActionButton, ErrorNote, Page, useLoad } from '../ui';
import { loadStripe, paymentMethodIdOf, stripeErrorMessage, type PaymentElement, type StripeElements, type StripeJs, type StripeSetupIntent } from './stripe-js';

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

type Attach = (paymentMethodId: string) => Promise<void>;

/** Stripe sends the employer back here after a payment method that needed a redirect (a bank's page). */
const returnedFromStripe = (): string | null => new URLSearchParams(location.search).get('setup_intent_client_secret');
export const isStripeReturn = (): boolean => returnedFromStripe() !== null;

/** Employer billing settings: the card milestones are charged to. */
export function PaymentMethodPage(props: { session: Session }) {
  const settings = useLoad(consoleSettings, []);
  const [attached, setAttached] = useState<Attached>();
  const attach: Attach = async (paymentMethodId) => {
    const path = `/v1/employers/${encodeURIComponent(props.session.id)}/payment-method`;
    setAttached(await postJson<Attached>(props.session, path, { paymentMethodId }, crypto.randomUUID()));
  };
  return (
    <Page title="Billing">
      <ErrorNote error={settings.error} />
      {settings.data ? <CardForm session={props.session} settings={settings.data} attach={attach} /> : null}
      {attached ? (
        <p role="status" class="status ok">
          Milestones are now charged to {attached.paymentMethodId} (customer {attached.customerId}).
        </p>
      ) : null}
    </Page>
  );
}

function CardForm(props: { session: Session; settings: ConsoleSettings; attach: Attach }) {
  const { payments, stripe } = props.settings;
  if (payments === 'simulated') return <TestCardPicker attach={props.attach} />;
  if (stripe) return <StripeCardForm session={props.session} stripe={stripe} attach={props.attach} />;
  return (
    <p>
      Payments go through Stripe, but this installation has no publishable key: cards are added in the console once the server has{' '}
      <code>STRIPE_PUBLISHABLE_KEY</code>.
    </p>
  );
}

function TestCardPicker(props: { attach: Attach }) {
  const [card, setCard] = useState<string>(testCards[0][0]);
  return (
    <form class="grid" onSubmit={(e) => e.preventDefault()}>
      <label for="test-card">Test card</label>
      <select id="test-card" value={card} onChange={(e) => setCard(e.currentTarget.value)}>
        {testCards.map(([id, label]) => (
          <option value={id}>{label}</option>
        ))}
      </select>
      <span />
      <ActionButton label="Use this card" kind="primary" run={() => props.attach(card)} />
    </form>
  );
}

interface CardCollection {
  readonly stripe: StripeJs;
  readonly elements: StripeElements;
  readonly element: PaymentElement;
}

/**
 * Stripe Elements: the api opens a SetupIntent, Stripe's Payment Element (a frame of Stripe's) takes
 * the card and confirms it with Stripe, and only the payment method id comes back to the api. The
 * console never sees card numbers.
 */
function StripeCardForm(props: { session: Session; stripe: NonNullable<ConsoleSettings['stripe']>; attach: Attach }) {
  const host = useRef<HTMLDivElement>(null);
  const [collecting, setCollecting] = useState<CardCollection>();
  const [pending, setPending] = useState<string>();
  useEffect(() => () => collecting?.element.destroy(), [collecting]);
  const stripeJs = () => loadStripe(props.stripe.jsUrl, props.stripe.publishableKey);

  const finish = async (intent: StripeSetupIntent) => {
    const paymentMethodId = paymentMethodIdOf(intent);
    if (intent.status === 'succeeded' && paymentMethodId) {
      setPending(undefined);
      await props.attach(paymentMethodId);
      return;
    }
    setPending(`Stripe has not confirmed this payment method yet (status ${intent.status}): milestones are still charged to the previous one.`);
  };

  const returned = useLoad(async () => {
    const clientSecret = returnedFromStripe();
    if (!clientSecret) return null;
    // The secret leaves the address bar (and the history) before anything else happens.
    history.replaceState(null, '', location.pathname);
    navigate('/billing');
    const { setupIntent, error } = await (await stripeJs()).retrieveSetupIntent(clientSecret);
    if (error) throw new Error(stripeErrorMessage(error));
    await finish(setupIntent);
    return setupIntent.status;
  }, []);

  const start = async () => {
    const path = `/v1/employers/${encodeURIComponent(props.session.id)}/setup-intent`;
    const { clientSecret } = await postJson<{ clientSecret: string }>(props.session, path, {}, crypto.randomUUID());
    const stripe = await stripeJs();
    const elements = stripe.elements({ clientSecret });
    const element = elements.create('payment');
    element.mount(host.current!);
    setCollecting({ stripe, elements, element });
  };

  const save = async () => {
    if (!collecting) return;
    const returnUrl = `${location.origin}${location.pathname}#/billing`;
    const { setupIntent, error } = await collecting.stripe.confirmSetup({ elements: collecting.elements, redirect: 'if_required', confirmParams: { return_url: returnUrl } });
    // A refused card leaves the form open for another one.
    if (error) throw new Error(stripeErrorMessage(error));
    setCollecting(undefined);
    await finish(setupIntent);
  };

  return (
    <div class="stripe-card">
      <p class="muted">Cards are taken by Stripe in its own frame; the console only learns which payment method Stripe saved.</p>
      <div ref={host} class="stripe-element" />
      {collecting ? <ActionButton label="Save card" kind="primary" run={save} /> : <ActionButton label="Add a card" kind="primary" run={start} />}
      <ErrorNote error={returned.error} />
      {pending ? (
        <p role="status" class="status">
          {pending}
        </p>
      ) : null}
    </div>
  );
}
