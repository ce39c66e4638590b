import { useEffect, useRef, useState } from 'react';
import type { Client } from 'graphql-ws';
import { Severity, SignalKind } from '../../../../libs/schema/src/enums.ts';
import { INTERNATIONAL, NATIONWIDE, PREFECTURES } from '../../../../libs/schema/src/regions.ts';
import { graphqlRequest } from '../api/graphql-client.ts';
import { subscribeResuming } from '../api/live-feed.ts';
import { INCIDENT_FEED, OPEN_INCIDENTS, RECENT_SIGNALS, SIGNAL_FEED } from '../api/queries.ts';
import { formatJst, regionName, useI18n } from '../i18n/index.ts';
import { navigate } from '../router.ts';
import { SignalCard, type SignalView } from '../signal-card.tsx';

interface IncidentView {
  id: string;
  status: 'SINGLE_ORG' | 'CROSS_CARRIER' | 'RESOLVED';
  crossCarrier: boolean;
  title: string | null;
  kinds: SignalView['kind'][];
  regions: string[];
  orgCount: number;
  signalCount: number;
  lastSeen: string;
  participants: { pseudonym: string; isViewerOrganization: boolean }[];
}

const MAX_SHOWN = 200;

/** Newest first, each signal once (a resumed feed may repeat what the page already has). */
function mergeSignals(current: SignalView[], arriving: SignalView[]): SignalView[] {
  const known = new Set(current.map((signal) => signal.id));
  return [...arriving.filter((signal) => !known.has(signal.id)).reverse(), ...current].slice(0, MAX_SHOWN);
}

export function FeedPage({ client, token, ownOrgId }: { client: Client | null; token: string; ownOrgId: string }) {
  const { t, language } = useI18n();
  const [kind, setKind] = useState('');
  const [severity, setSeverity] = useState('');
  const [region, setRegion] = useState('');
  const [service, setService] = useState('');
  const [signals, setSignals] = useState<SignalView[]>([]);
  const [incidents, setIncidents] = useState<Map<string, IncidentView>>(new Map());
  const [loadError, setLoadError] = useState<string | null>(null);
  const cursor = useRef<string | null>(null);
  const incidentCursor = useRef<string | null>(null);

  useEffect(() => {
    if (!client) return;
    const filter = {
      kinds: kind ? [kind] : null,
      severities: severity ? [severity] : null,
      regions: region ? [region] : null,
      services: service.trim() ? [service.trim().toLowerCase()] : null,
    };
    let stop: (() => void) | null = null;
    let cancelled = false;
    setSignals([]);
    void graphqlRequest<{ signals: { edges: { node: SignalView }[]; pageInfo: { endCursor: string | null } } }>(RECENT_SIGNALS, { filter }, token)
      .then(({ signals: page }) => {
        if (cancelled) return;
        setLoadError(null);
        cursor.current = page.pageInfo.endCursor;
        setSignals(mergeSignals([], page.edges.map((edge) => edge.node)));
        stop = subscribeResuming<{ signalPublished: { cursor: string; signal: SignalView } }>(client, {
          query: SIGNAL_FEED,
          variables: () => ({ filter, after: cursor.current }),
          onData: ({ signalPublished }) => {
            cursor.current = signalPublished.cursor;
            setSignals((current) => mergeSignals(current, [signalPublished.signal]));
          },
        });
      })
      .catch((error: unknown) => setLoadError(error instanceof Error ? error.message : String(error)));
    return () => {
      cancelled = true;
      stop?.();
    };
  }, [client, token, kind, severity, region, service]);

  useEffect(() => {
    if (!client) return;
    let stop: (() => void) | null = null;
    void graphqlRequest<{ incidents: { edges: { cursor: string; node: IncidentView }[] } }>(OPEN_INCIDENTS, {}, token).then(({ incidents: page }) => {
      setIncidents(new Map(page.edges.map((edge) => [edge.node.id, edge.node])));
      incidentCursor.current = page.edges[0]?.cursor ?? null;
      stop = subscribeResuming<{ incidentUpdated: { cursor: string; incident: IncidentView } }>(client, {
        query: INCIDENT_FEED,
        variables: () => ({ after: incidentCursor.current }),
        onData: ({ incidentUpdated }) => {
          incidentCursor.current = incidentUpdated.cursor;
          setIncidents((current) => new Map(current).set(incidentUpdated.incident.id, incidentUpdated.incident));
        },
      });
    });
    return () => stop?.();
  }, [client, token]);

  const open = [...incidents.values()]
    .filter((incident) => incident.status !== 'RESOLVED')
    .sort((a, b) => Number(b.crossCarrier) - Number(a.crossCarrier) || b.lastSeen.localeCompare(a.lastSeen));

  return (
    <div className="feed-layout">
      <section className="incidents" aria-label={t.incidents}>
        <h2>{t.incidents}</h2>
        {open.length === 0 && <p className="empty">{t.noIncidents}</p>}
        {open.map((incident) => (
          <article
            key={incident.id}
            className={`incident clickable ${incident.crossCarrier ? 'cross' : ''}`}
            data-incident-id={incident.id}
            onClick={() => navigate(`incidents/${incident.id}`)}
          >
            <header>
              <span className={`status ${incident.crossCarrier ? 'status-cross' : ''}`}>
                {incident.crossCarrier
                  ? t.crossCarrier
                  : incident.participants.some((participant) => participant.isViewerOrganization)
                    ? t.singleOrg
                    : t.singleOther}
              </span>
              <span>
                {incident.orgCount} {t.organisations} · {incident.signalCount} {t.signals}
              </span>
            </header>
            <p>{incident.title ?? incident.kinds.map((k) => t.kinds[k]).join(' / ')}</p>
            <p className="meta">
              {incident.regions.map((code) => regionName(code, language, t)).join('、')} · {t.lastSeen} {formatJst(incident.lastSeen)}
            </p>
          </article>
        ))}
      </section>
      <section className="signals" aria-label={t.navFeed}>
        <div className="filters">
          <label>
            {t.filterKind}
            <select value={kind} onChange={(e) => setKind(e.target.value)} name="kind-filter">
              <option value="">{t.all}</option>
              {Object.values(SignalKind).map((value) => (
                <option key={value} value={value}>
                  {t.kinds[value]}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t.filterSeverity}
            <select value={severity} onChange={(e) => setSeverity(e.target.value)} name="severity-filter">
              <option value="">{t.all}</option>
              {Object.values(Severity).map((value) => (
                <option key={value} value={value}>
                  {t.severities[value]}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t.regions}
            <select value={region} onChange={(e) => setRegion(e.target.value)} name="region-filter">
              <option value="">{t.all}</option>
              {[NATIONWIDE, INTERNATIONAL, ...PREFECTURES.map((p) => p.code)].map((code) => (
                <option key={code} value={code}>
                  {regionName(code, language, t)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t.service}
            <input name="service-filter" value={service} placeholder="internet, dns, mail…" onChange={(e) => setService(e.target.value)} />
          </label>
        </div>
        {loadError && <p className="error" role="alert">{loadError}</p>}
        {!loadError && signals.length === 0 && <p className="empty">{t.noSignals}</p>}
        {signals.map((signal) => (
          <SignalCard key={signal.id} signal={signal} ownOrgId={ownOrgId} />
        ))}
      </section>
    </div>
  );
}
