import { useEffect, useMemo, useState } from 'react';
import type { Client } from 'graphql-ws';
import { openLiveConnection, type ConnectionState } from './api/live-feed.ts';
import { LanguageContext, MESSAGES, storeLanguage, storedLanguage, type Language } from './i18n/index.ts';
import { AdminPage } from './pages/admin-page.tsx';
import { AggregatesPage } from './pages/aggregates-page.tsx';
import { FeedPage } from './pages/feed-page.tsx';
import { IncidentPage } from './pages/incident-page.tsx';
import { LoginPage } from './pages/login-page.tsx';
import { PublishPage } from './pages/publish-page.tsx';
import { StatusPage } from './pages/status-page.tsx';
import { navigate, useRoute } from './router.ts';
import { loadSession, saveSession, type Session } from './session.ts';

export function App() {
  const [language, setLanguage] = useState<Language>(storedLanguage);
  const [session, setSession] = useState<Session | null>(loadSession);
  const [notice, setNotice] = useState<string | null>(null);
  const [page = 'feed', pageId] = useRoute();
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
        <nav>
          {session &&
            navItems(session).map(([route, label]) => (
              <button key={route} className={page === route ? 'active' : ''} onClick={() => navigate(route)}>
                {t[label]}
              </button>
            ))}
          <button className={page === 'status' ? 'active' : ''} onClick={() => navigate('status')}>
            {t.navStatus}
          </button>
          {!session && page === 'status' && <button onClick={() => navigate('feed')}>{t.signIn}</button>}
        </nav>
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
        {page === 'status' ? <StatusPage /> : session ? <SignedIn session={session} client={client} page={page} pageId={pageId} /> : <LoginPage onSignedIn={signIn} notice={notice} />}
      </main>
    </LanguageContext.Provider>
  );
}

const can = (session: Session, permission: string) => session.viewer.permissions.includes(permission);

function navItems(session: Session): [string, 'navFeed' | 'navPublish' | 'navAggregates' | 'navAdmin'][] {
  const items: [string, 'navFeed' | 'navPublish' | 'navAggregates' | 'navAdmin'][] = [['feed', 'navFeed']];
  if (can(session, 'signals:publish')) items.push(['publish', 'navPublish']);
  items.push(['aggregates', 'navAggregates']);
  if (can(session, 'org:admin') || can(session, 'hub:admin')) items.push(['admin', 'navAdmin']);
  return items;
}

function SignedIn({ session, client, page, pageId }: { session: Session; client: Client | null; page: string; pageId?: string }) {
  const ownOrgId = session.viewer.organization.id;
  switch (page) {
    case 'publish':
      return <PublishPage token={session.token} ownOrgId={ownOrgId} />;
    case 'incidents':
      return pageId ? <IncidentPage id={pageId} token={session.token} ownOrgId={ownOrgId} canCurate={can(session, 'incidents:curate')} /> : null;
    case 'aggregates':
      return <AggregatesPage token={session.token} canAdvise={can(session, 'advisories:publish')} />;
    case 'admin':
      return <AdminPage token={session.token} ownOrgId={ownOrgId} hubAdmin={can(session, 'hub:admin')} />;
    default:
      return <FeedPage client={client} token={session.token} ownOrgId={ownOrgId} />;
  }
}
