/**
 * The part of Stripe.js the console uses (https://docs.stripe.com/js), typed here rather than
 * through a dependency: Stripe.js is always loaded from Stripe, never bundled.
 */
export interface StripeError {
  readonly type: string;
  readonly code?: string;
  readonly decline_code?: string;
  readonly message?: string;
}

export interface StripeSetupIntent {
  readonly id: string;
  readonly status: string;
  readonly payment_method: string | { readonly id: string } | null;
}

export interface PaymentElement {
  mount(target: HTMLElement): void;
  destroy(): void;
}

export interface StripeElements {
  create(type: 'payment'): PaymentElement;
}

type SetupResult = { readonly setupIntent: StripeSetupIntent; readonly error?: undefined } | { readonly setupIntent?: undefined; readonly error: StripeError };

export interface StripeJs {
  elements(options: { clientSecret: string }): StripeElements;
  confirmSetup(options: { elements: StripeElements; redirect: 'if_required'; confirmParams: { return_url: string } }): Promise<SetupResult>;
  retrieveSetupIntent(clientSecret: string): Promise<SetupResult>;
}

declare global {
  interface Window {
    Stripe?: (publishableKey: string) => StripeJs;
  }
}

const loading = new Map<string, Promise<void>>();

/** Adds Stripe.js from `url` once (the console's content security policy admits that origin only). */
export async function loadStripe(url: string, publishableKey: string): Promise<StripeJs> {
  let loaded = loading.get(url);
  if (!loaded) {
    loaded = new Promise<void>((resolve, reject) => {
      const script = Object.assign(document.createElement('script'), { src: url, async: true });
      script.addEventListener('load', () => resolve());
      script.addEventListener('error', () => reject(new Error(`Stripe.js could not be loaded from ${url}`)));
      document.head.append(script);
    });
    loading.set(url, loaded);
    loaded.catch(() => loading.delete(url));
  }
  await loaded;
  if (!window.Stripe) throw new Error(`${url} loaded but did not define Stripe`);
  return window.Stripe(publishableKey);
}

export function paymentMethodIdOf(intent: StripeSetupIntent): string | null {
  const method = intent.payment_method;
  return typeof method === 'string' ? method : (method?.id ?? null);
}

/** Stripe's own words for a refused card, e.g. "Your card has insufficient funds.". */
export function stripeErrorMessage(error: StripeError): string {
  return error.message ?? `${error.type}${error.code ? ` (${error.code})` : ''}`;
}
