import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { Api } from './api';
import { DealPage } from './pages/deal-page';
import { DealsPage } from './pages/deals-page';
import { ClaimPage } from './pages/claim-page';
import { EditorPage } from './pages/editor-page';
import { QueuePage } from './pages/queue-page';
import { SignInPage } from './pages/sign-in-page';
import { discoverRoles, forgetKey, savedKey, saveKey, type Role } from './session';
import { can, words, type Session } from './ui';

/** The page named by the URL's hash: `#/deals/<id>`, `#/claims/<id>`, `#/queue`, `#/new`, else the deals list. */
export interface Route {
  name: 'deals' | 'deal' | 'claim' | 'queue' | 'new';
  id?: string;
  params: URLSearchParams;
}

function parseRoute(hash: string): Route {
  const [path, query = ''] = hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'deals' && parts[1]) return { name: 'deal', id: decodeURIComponent(parts[1]), params };
  if (parts[0] === 'claims' && parts[1]) return { name: 'claim', id: decodeURIComponent(parts[1]), params };
  if (parts[0] === 'queue') return { name: 'queue', params };
  if (parts[0] === 'new') return { name: 'new', params };
  return { name: 'deals', params };
}

function useRoute(): Route {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const onChange = () => setHash(location.hash);
    addEventListener('hashchange', onChange);
    return () => removeEventListener('hashchange', onChange);
  }, []);
  return parseRoute(hash);
}

function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [restoring, setRestoring] = useState(Boolean(savedKey()));
  const route = useRoute();
  const main = useRef<HTMLElement>(null);

  const signIn = async (key: string): Promise<Role[] | null> => {
    const api = new Api(key);
    const roles = await discoverRoles(api);
    if (roles) {
      saveKey(key);
      setSession({ api, roles });
    }
    return roles;
  };

  useEffect(() => {
    const key = savedKey();
    if (!key) return;
    signIn(key)
      .then((roles) => {
        if (!roles) forgetKey();
      })
      .catch(() => undefined)
      .finally(() => setRestoring(false));
  }, []);

  // a new page moves the focus to its heading, so screen readers announce it
  useEffect(() => {
    main.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [route.name, route.id, session]);

  const signOut = () => {
    forgetKey();
    setSession(null);
    location.hash = '';
  };

  return (
    <>
      <a class="skip" href="#main" onClick={(event) => (event.preventDefault(), main.current?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="#/">
          Fact-checker console
        </a>
        {session ? (
          <nav aria-label="Main">
            <ul>
              <li>
                <a href="#/" aria-current={route.name === 'deals' || route.name === 'deal' ? 'page' : undefined}>
                  Deals
                </a>
              </li>
              <li>
                <a href="#/queue" aria-current={route.name === 'queue' ? 'page' : undefined}>
                  Fact-check queue
                </a>
              </li>
              {can(session, 'editor') ? (
                <li>
                  <a href="#/new" aria-current={route.name === 'new' ? 'page' : undefined}>
                    New deal or claim
                  </a>
                </li>
              ) : null}
            </ul>
          </nav>
        ) : null}
        {session ? (
          <div class="who">
            <span data-testid="roles">Signed in: {session.roles.map(words).join(', ')}</span>
            <button type="button" class="link" onClick={signOut}>
              Sign out
            </button>
          </div>
        ) : null}
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        {restoring && !session ? <p>Signing in…</p> : !session ? <SignInPage signIn={signIn} /> : <Page route={route} session={session} />}
      </main>
    </>
  );
}

function Page({ route, session }: { route: Route; session: Session }) {
  switch (route.name) {
    case 'deal':
      return <DealPage key={route.id} session={session} dealId={route.id ?? ''} />;
    case 'claim':
      return <ClaimPage key={route.id} session={session} claimId={route.id ?? ''} />;
    case 'queue':
      return <QueuePage session={session} />;
    case 'new':
      return <EditorPage session={session} dealId={route.params.get('deal')} />;
    case 'deals':
      return <DealsPage session={session} />;
  }
}

render(<App />, document.getElementById('app') as HTMLElement);
