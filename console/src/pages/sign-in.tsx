import { useState } from 'preact/hooks';
import { ErrorMessage } from '../components/error-message.tsx';
import { signIn } from '../session.ts';
import type { Session } from '../types.ts';

/** The admin key opens the whole console; a tenant's API key opens a read-only view of its own usage. */
export const SignIn = ({ onSignedIn }: { onSignedIn: (session: Session) => void }) => {
  const [key, setKey] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await signIn(key.trim()));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="sign-in" id="main">
      <h1>Inference router console</h1>
      <form onSubmit={submit} class="card stack">
        <label for="sign-in-key">Admin key or API key</label>
        <input
          id="sign-in-key"
          name="key"
          type="password"
          autocomplete="off"
          spellcheck={false}
          required
          minLength={16}
          value={key}
          onInput={(event) => setKey(event.currentTarget.value)}
          aria-describedby="sign-in-help"
        />
        <p id="sign-in-help" class="muted small">
          Kept in this tab only (session storage) and sent to this router's API as a bearer token. An API key sees its own
          tenant's usage, read-only.
        </p>
        <ErrorMessage error={error} title="Cannot sign in." />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
};
