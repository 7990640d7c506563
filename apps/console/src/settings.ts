/** What the api tells the console before anyone signs in (`/console/settings.json`, all of it public). */
export interface ConsoleSettings {
  /** A "sign in as" picker: only outside production, and only with the public development secret. */
  readonly devSignIn: boolean;
  readonly payments: 'simulated' | 'stripe';
  /** Set when the console collects cards with Stripe Elements (STRIPE_PUBLISHABLE_KEY). */
  readonly stripe: { readonly publishableKey: string; readonly jsUrl: string } | null;
}

const fallback: ConsoleSettings = { devSignIn: false, payments: 'simulated', stripe: null };

let loaded: Promise<ConsoleSettings> | undefined;

/** Read once per page load: the settings change only with the server's configuration. */
export function consoleSettings(): Promise<ConsoleSettings> {
  loaded ??= fetch('settings.json').then((r) => (r.ok ? (r.json() as Promise<ConsoleSettings>) : fallback));
  return loaded;
}
