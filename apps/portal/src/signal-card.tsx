import { formatJst, regionName, useI18n } from './i18n/index.ts';

export interface SignalView {
  id: string;
  kind: keyof ReturnType<typeof useI18n>['t']['kinds'];
  severity: keyof ReturnType<typeof useI18n>['t']['severities'];
  tlp: keyof ReturnType<typeof useI18n>['t']['tlpLabels'];
  observedStart: string;
  observedEnd: string | null;
  regions: string[];
  service: string | null;
  text: string | null;
  publisher: { pseudonym: string; organization: { id: string; name: string } | null };
  details: Record<string, unknown> & { __typename: string };
}

function summary(details: SignalView['details']): string {
  switch (details.__typename) {
    case 'TrafficDropDetails':
      return [`−${details.dropPercent}%`, details.peerAsn ? `peer AS${details.peerAsn}` : null].filter(Boolean).join(' · ');
    case 'RouteAnomalyDetails':
      return [details.anomalyType, `${Number(details.prefixCount).toLocaleString()} prefixes`, details.originAsn ? `origin AS${details.originAsn}` : null]
        .filter(Boolean)
        .join(' · ');
    case 'ResolverFailureDetails':
      return `${details.resolverRole} · ${details.failureMode} · ${details.failureRate}%`;
    case 'ServiceOutageDetails':
      return String(details.symptom);
    case 'MaintenanceDetails':
      return `${formatJst(details.plannedStart as string)} – ${formatJst(details.plannedEnd as string)}`;
    default:
      return '';
  }
}

export function TlpBadge({ tlp }: { tlp: SignalView['tlp'] }) {
  const { t } = useI18n();
  return <span className={`tlp tlp-${tlp.toLowerCase()}`}>{t.tlpLabels[tlp]}</span>;
}

export function SignalCard({ signal, ownOrgId }: { signal: SignalView; ownOrgId: string }) {
  const { t, language } = useI18n();
  const own = signal.publisher.organization?.id === ownOrgId;
  return (
    <article className={`signal severity-${signal.severity.toLowerCase()}`} data-signal-id={signal.id}>
      <header>
        <time dateTime={signal.observedStart}>{formatJst(signal.observedStart)}</time>
        <strong>{t.kinds[signal.kind]}</strong>
        <span className="severity">{t.severities[signal.severity]}</span>
        <TlpBadge tlp={signal.tlp} />
      </header>
      <p className="meta">
        <span className="publisher">
          {signal.publisher.organization ? (
            <>
              {signal.publisher.organization.name}
              {own && ` (${t.yourOrganisation})`}
            </>
          ) : (
            <>
              {signal.publisher.pseudonym} <em>({t.anonymous})</em>
            </>
          )}
        </span>
        <span>{signal.regions.map((code) => regionName(code, language, t)).join('、')}</span>
        {signal.service && <span>{signal.service}</span>}
        <span className="details">{summary(signal.details)}</span>
      </p>
      {signal.text && <p className="text">{signal.text}</p>}
    </article>
  );
}
