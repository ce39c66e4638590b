import { useEffect, useMemo, useState } from 'react';
import type { Client } from 'graphql-ws';
import { openLiveConnection, type ConnectionState } from './api/live-feed.ts';
import { LanguageContext, MESSAGES, storeLanguage, storedLanguage, type Language } from './i18n/index.ts';
import { FeedPage } from './pages/feed-page.tsx';
import { LoginPage } from './pages/login-page.tsx';
import { PublishPage } from './pages/publish-page.tsx';
import { loadSession, saveSession, type Session } from './session.ts';

type Page = 'feed' | 'publish';

export function App() {
  const [language, setLanguage] = useState<Language>(storedLanguage);
  const [session, setSession] = useState<Session | null>(loadSession);
  const [notice, setNotice] = useState<string | null>(null);
  const [page, setPage] = useState<Page>('feed');
  const [client, setClient] = useState<Client | null>(null);
  const [connection, setConnection] = useState<ConnectionState>('connecting');
  const t = MESSAGES[language];
  const i18n = useMemo(
    () => ({ language, t, toggle: () => setLanguage((current) => (current === 'ja' ? 'en' : 'ja')) }),
    [language, t],
  );

  useEffect(() => storeLanguage(language), [language]);

  const signOut = (message: string | null) => {
    saveSession(null);
    setSession(null);
    setNotice(message);
  };

  useEffect(() => {
    if (!session) return;
    let live: Client | null = null;
    let cancelled = false;
    void openLiveConnection(session.token, setConnection, () => signOut(MESSAGES[storedLanguage()].sessionEnded)).then((opened) => {
      if (cancelled) void opened.dispose();
      else {
        live = opened;
        setClient(opened);
      }
    });
    return () => {
      cancelled = true;
      setClient(null);
      void live?.dispose();
    };
  }, [session]);

  const signIn = (next: Session) => {
    saveSession(next);
    setNotice(null);
    setSession(next);
  };

  return (
    <LanguageContext.Provider value={i18n}>
      <header className="top">
        <div className="brand">
          <strong>{t.appName}</strong>
          <span>{t.tagline}</span>
        </div>
        {session && (
          <nav>
            <button className={page === 'feed' ? 'active' : ''} onClick={() => setPage('feed')}>
              {t.navFeed}
            </button>
            {session.viewer.permissions.includes('signals:publish') && (
              <button className={page === 'publish' ? 'active' : ''} onClick={() => setPage('publish')}>
                {t.navPublish}
              </button>
            )}
          </nav>
        )}
        <div className="who">
          {session && (
            <>
              <span className={`connection connection-${connection}`} title={t.connection}>
                {t[connection]}
              </span>
              <span className="org">
                {session.viewer.organization.name} · {session.viewer.role}
              </span>
              <button onClick={() => signOut(null)}>{t.signOut}</button>
            </>
          )}
          <button className="language" onClick={i18n.toggle} lang={language === 'ja' ? 'en' : 'ja'}>
            {t.language}
          </button>
        </div>
      </header>
      <main>
        {!session && <LoginPage onSignedIn={signIn} notice={notice} />}
        {session && page === 'feed' && <FeedPage client={client} token={session.token} ownOrgId={session.viewer.organization.id} />}
        {session && page === 'publish' && <PublishPage token={session.token} ownOrgId={session.viewer.organization.id} />}
      </main>
    </LanguageContext.Provider>
  );
}
