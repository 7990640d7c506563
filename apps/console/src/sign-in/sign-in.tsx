import { useEffect, useState } from 'preact/hooks';
import { roles, sessionOf, type Role, type Session } from '../session';
import { consoleSettings } from '../settings';
import { ErrorNote, messageOf } from '../ui';

export function SignIn(props: { onSignIn: (session: Session) => void; notice?: string }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const [devSignIn, setDevSignIn] = useState(false);
  useEffect(() => {
    consoleSettings().then((settings) => setDevSignIn(settings.devSignIn), () => setDevSignIn(false));
  }, []);

  const signIn = (raw: string) => {
    try {
      props.onSignIn(sessionOf(raw));
    } catch (e) {
      setError(messageOf(e));
    }
  };

  return (
    <main class="sign-in">
      <h1>escrow-ledger console</h1>
      <ErrorNote error={props.notice} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          signIn(token);
        }}
      >
        <label for="token">Bearer token</label>
        <textarea id="token" rows={4} value={token} onInput={(e) => setToken(e.currentTarget.value)} placeholder="eyJhbGciOi…" />
        <p class="muted">
          Minted by your identity provider, or on the server with <code>npm run -s token -- &lt;role&gt; &lt;id&gt;</code>. Kept in this tab
          only.
        </p>
        <button class="primary" type="submit">
          Sign in
        </button>
        <ErrorNote error={error} />
      </form>
      {devSignIn ? <DevSignIn onToken={signIn} /> : null}
    </main>
  );
}

const defaultIds: Record<Role, string> = { employer: 'emp_1', trainer: 'tr_1', support: 'sup_1', finance: 'fin_1', service: 'svc_1' };

/** Development only: the api mints a token for any role and id (it refuses in production). */
function DevSignIn(props: { onToken: (token: string) => void }) {
  const [role, setRole] = useState<Role>('finance');
  const [id, setId] = useState(defaultIds.finance);
  const [error, setError] = useState<string>();
  const submit = async () => {
    setError(undefined);
    const response = await fetch('/v1/dev/tokens', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ role, id }) });
    const body = (await response.json()) as { token?: string; message?: string };
    if (!response.ok || !body.token) return setError(`${response.status}: ${body.message ?? 'no token'}`);
    props.onToken(body.token);
  };
  return (
    <form
      class="dev-sign-in"
      aria-labelledby="dev-sign-in-title"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2 id="dev-sign-in-title">Development: sign in as</h2>
      <label for="dev-role">Role</label>
      <select
        id="dev-role"
        value={role}
        onChange={(e) => {
          const next = e.currentTarget.value as Role;
          setRole(next);
          setId(defaultIds[next]);
        }}
      >
        {roles.map((r) => (
          <option value={r}>{r}</option>
        ))}
      </select>
      <label for="dev-id">Party id</label>
      <input id="dev-id" value={id} onInput={(e) => setId(e.currentTarget.value)} />
      <button class="primary" type="submit">
        Sign in as {role}
      </button>
      <ErrorNote error={error} />
    </form>
  );
}
