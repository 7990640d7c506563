/**
 * A stand-in for Stripe.js (https://js.stripe.com/v3/), served by the test server at `/v3/`, for
 * browser tests that cannot reach Stripe: `Stripe(publishableKey)`, `elements({ clientSecret })`,
 * the Payment Element (`create('payment')`, `mount`, `on('ready')`, `destroy`), `confirmSetup` and
 * `retrieveSetupIntent`. As in Stripe's, the card is chosen inside a frame of the payment
 * provider's origin, and it is that frame which confirms the SetupIntent with the publishable key:
 * the page that mounts the element never sees the card. The card picker offers the test tokens.
 */
export function stripeJsSource(origin: string): string {
  return `(() => {
  const origin = ${JSON.stringify(origin)};
  const secretPattern = /^(seti_[A-Za-z0-9]+)_secret_[A-Za-z0-9]+$/;
  function Stripe(publishableKey) {
    if (typeof publishableKey !== 'string' || !publishableKey.startsWith('pk_')) {
      throw new Error('IntegrationError: Invalid value for Stripe(): apiKey should be a publishable key (pk_…).');
    }
    let frame = null;
    let frameLoaded = null;
    const askFrame = (message) => new Promise((resolve) => {
      const id = Math.random().toString(36).slice(2);
      const answered = (event) => {
        if (event.origin !== origin || event.data?.id !== id) return;
        removeEventListener('message', answered);
        resolve(event.data.result);
      };
      addEventListener('message', answered);
      frame.contentWindow.postMessage({ ...message, id }, origin);
    });
    const redirectTo = (returnUrl, setupIntent, clientSecret) => {
      const url = new URL(returnUrl);
      url.searchParams.set('setup_intent', setupIntent.id);
      url.searchParams.set('setup_intent_client_secret', clientSecret);
      url.searchParams.set('redirect_status', setupIntent.status === 'succeeded' ? 'succeeded' : 'failed');
      location.assign(url.href);
    };
    return {
      elements(options = {}) {
        const clientSecret = options.clientSecret;
        if (!secretPattern.test(clientSecret ?? '')) throw new Error('IntegrationError: elements() needs the clientSecret of a SetupIntent in this stand-in.');
        return {
          clientSecret,
          async submit() { return {}; },
          create(type) {
            if (type !== 'payment') throw new Error('IntegrationError: this stand-in has the Payment Element only, not ' + type + '.');
            const handlers = {};
            return {
              mount(target) {
                const host = typeof target === 'string' ? document.querySelector(target) : target;
                frame = document.createElement('iframe');
                frame.title = 'Secure payment input frame';
                frame.src = origin + '/elements/payment';
                frame.style.border = '0';
                frame.style.width = '100%';
                frame.style.height = '96px';
                frameLoaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
                frameLoaded.then(() => handlers.ready?.({ elementType: 'payment' }));
                host.append(frame);
              },
              on(event, handler) { handlers[event] = handler; return this; },
              destroy() { frame?.remove(); frame = null; },
            };
          },
        };
      },
      async confirmSetup({ elements, confirmParams = {}, redirect = 'always' }) {
        if (!frame) throw new Error('IntegrationError: mount the Payment Element before confirmSetup().');
        if (redirect !== 'if_required' && !confirmParams.return_url) {
          throw new Error('IntegrationError: stripe.confirmSetup(): the \\'confirmParams.return_url\\' argument is required unless passing \\'redirect: "if_required"\\'.');
        }
        await frameLoaded;
        const result = await askFrame({ type: 'confirm-setup', publishableKey, clientSecret: elements.clientSecret, returnUrl: confirmParams.return_url ?? null });
        if (result.setupIntent && redirect !== 'if_required') redirectTo(confirmParams.return_url, result.setupIntent, elements.clientSecret);
        return result;
      },
      async retrieveSetupIntent(clientSecret) {
        const id = secretPattern.exec(clientSecret ?? '')?.[1];
        if (!id) throw new Error('IntegrationError: retrieveSetupIntent() needs a SetupIntent client secret.');
        const response = await fetch(origin + '/v1/setup_intents/' + id + '?client_secret=' + encodeURIComponent(clientSecret), { headers: { authorization: 'Bearer ' + publishableKey } });
        const body = await response.json();
        return response.ok ? { setupIntent: body } : { error: body.error };
      },
    };
  }
  window.Stripe = Stripe;
})();
`;
}

/** The Payment Element's frame: a card picker of test tokens that confirms the SetupIntent itself. */
export function paymentFrameHtml(cards: readonly (readonly [token: string, label: string])[]): string {
  const options = cards.map(([token, label]) => `<option value="${token}">${label}</option>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Payment details</title>
<style>body{font:14px system-ui,sans-serif;margin:4px}label{display:block;margin-bottom:4px}select{font:inherit;padding:4px}</style>
</head><body>
<main><label for="card">Card (Stripe test card)</label><select id="card">${options}</select></main>
<script>
addEventListener('message', async (event) => {
  if (event.source !== parent || event.data?.type !== 'confirm-setup') return;
  const { id, publishableKey, clientSecret, returnUrl } = event.data;
  const intent = clientSecret.split('_secret_')[0];
  const body = new URLSearchParams({ client_secret: clientSecret, payment_method: document.getElementById('card').value });
  if (returnUrl) body.set('return_url', returnUrl);
  const response = await fetch('/v1/setup_intents/' + intent + '/confirm', {
    method: 'POST', body, headers: { authorization: 'Bearer ' + publishableKey, 'content-type': 'application/x-www-form-urlencoded' },
  });
  const answer = await response.json();
  const result = response.ok ? { setupIntent: answer } : { error: answer.error };
  event.source.postMessage({ id, result }, event.origin);
});
</script>
</body></html>
`;
}
