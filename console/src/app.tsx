import { useEffect, useMemo, useState } from 'preact/hooks';
import { sessionApi } from './api.ts';
import { ErrorBoundary } from './components/error-boundary.tsx';
import { pageHref, useHashRoute } from './hash-route.ts';
import { KeysPage } from './pages/keys.tsx';
import { LivePage } from './pages/live.tsx';
import { PlaygroundPage } from './pages/playground.tsx';
import { SignIn } from './pages/sign-in.tsx';
import { SpendPage } from './pages/spend.tsx';
import { clearSession, loadSession, saveSession } from './session.ts';
import type { Session } from './types.ts';

const PAGES = {
  admin: [
    { page: 'keys', label: 'Keys' },
    { page: 'spend', label: 'Spend' },
    { page: 'live', label: 'Live' },
    { page: 'playground', label: 'Playground' },
  ],
  // A tenant key is read-only: its own usage, and the decisions the router makes for it.
  tenant: [
    { page: 'spend', label: 'Spend' },
    { page: 'playground', label: 'Playground' },
  ],
} as const;

export const App = () => {
  const [session, setSession] = useState<Session | undefined>(loadSession);
  const route = useHashRoute();
  const api = useMemo(() => (session ? sessionApi(session) : undefined), [session]);
  const pages = session ? PAGES[session.role] : [];
  const current = pages.find((entry) => entry.page === route.page) ?? pages[0];

  // Each page change moves focus to its heading, so keyboard and screen-reader users start there.
  useEffect(() => {
    document.getElementById('page-title')?.focus();
    document.title = `${current?.label ?? 'Sign in'} · Inference router console`;
  }, [current]);

  if (!session || !api || !current) {
    return (
      <SignIn
        onSignedIn={(signedIn) => {
          saveSession(signedIn);
          setSession(signedIn);
          location.hash = pageHref(PAGES[signedIn.role][0].page);
        }}
      />
    );
  }

  const signOut = (): void => {
    clearSession();
    // A fresh page: nothing of this session (keys made in this tab, tenants looked at) stays in memory.
    location.replace(location.pathname);
  };

  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Inference router</span>
        <nav aria-label="Console">
          <ul class="nav-list">
            {pages.map((entry) => (
              <li key={entry.page}>
                <a href={pageHref(entry.page)} aria-current={entry.page === current.page ? 'page' : undefined}>
                  {entry.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span class="who muted small">{session.role === 'admin' ? 'admin' : `tenant ${session.tenant ?? ''} (read-only)`}</span>
        <button type="button" class="secondary small" onClick={signOut}>
          Sign out
        </button>
      </header>
      <main id="main">
        <ErrorBoundary key={current.page}>
          {current.page === 'keys' ? (
            <KeysPage api={api} params={route.params} />
          ) : current.page === 'spend' ? (
            <SpendPage api={api} session={session} params={route.params} />
          ) : current.page === 'live' ? (
            <LivePage api={api} />
          ) : (
            <PlaygroundPage api={api} session={session} />
          )}
        </ErrorBoundary>
      </main>
    </>
  );
};
