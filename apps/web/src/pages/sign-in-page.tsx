import { useState } from 'preact/hooks';
import type { Problem } from '../api';
import type { Role } from '../session';
import { ProblemMessage, problemOf } from '../ui';

/** Asks for an API key; it is kept in this browser tab only. */
export function SignInPage({ signIn }: { signIn: (key: string) => Promise<Role[] | null> }) {
  const [key, setKey] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const roles = await signIn(key.trim());
      if (!roles) setProblem({ type: '/problems/invalid-api-key', title: 'Unauthorized', status: 401 });
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="narrow">
      <h1 tabIndex={-1}>Sign in</h1>
      <p>Editors record deals and claims; fact-checkers judge them. Sign in with the API key you were given.</p>
      <form onSubmit={submit}>
        <div class="field">
          <label for="api-key">API key</label>
          <input
            id="api-key"
            name="api-key"
            type="password"
            autoComplete="off"
            required
            value={key}
            onInput={(event) => setKey(event.currentTarget.value)}
            aria-describedby="api-key-hint"
          />
          <small id="api-key-hint" class="hint">
            Kept for this browser tab only, and sent to the API with each request.
          </small>
        </div>
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <ProblemMessage problem={problem} />
    </section>
  );
}
