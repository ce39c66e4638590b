import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { IncidentStatus, Severity, TlpLabel } from '../../../../libs/schema/src/enums.ts';
import { graphqlRequest, HubError } from '../api/graphql-client.ts';
import { CURATE, INCIDENT } from '../api/queries.ts';
import { formatJst, regionName, useI18n } from '../i18n/index.ts';
import { navigate } from '../router.ts';
import { SignalCard, TlpBadge, type SignalView } from '../signal-card.tsx';

interface IncidentDetail {
  id: string;
  status: IncidentStatus;
  crossCarrier: boolean;
  title: string | null;
  note: string | null;
  severity: Severity;
  tlp: TlpLabel;
  kinds: SignalView['kind'][];
  regions: string[];
  services: string[];
  orgCount: number;
  signalCount: number;
  firstSeen: string;
  lastSeen: string;
  participants: { pseudonym: string; isViewerOrganization: boolean; organization: { name: string } | null }[];
  timeline: { type: keyof ReturnType<typeof useI18n>['t']['events']; at: string; actor: string | null; fromStatus: IncidentStatus | null; toStatus: IncidentStatus | null; description: string | null }[];
  signals: SignalView[];
  plannedWork: SignalView[];
}

export function IncidentPage({ id, token, ownOrgId, canCurate }: { id: string; token: string; ownOrgId: string; canCurate: boolean }) {
  const { t, language } = useI18n();
  const [incident, setIncident] = useState<IncidentDetail | null | undefined>(undefined);
  const load = useCallback(
    () => graphqlRequest<{ incident: IncidentDetail | null }>(INCIDENT, { id }, token).then((data) => setIncident(data.incident)),
    [id, token],
  );
  useEffect(() => void load(), [load]);

  if (incident === undefined) return null;
  if (incident === null) return <p className="card">{t.notFound}</p>;
  return (
    <div className="incident-page">
      <button onClick={() => navigate('feed')}>← {t.back}</button>
      <section className="card">
        <h1>
          <span className={`status ${incident.crossCarrier ? 'status-cross' : ''}`}>{t.statuses[incident.status]}</span>{' '}
          {incident.title ?? incident.kinds.map((kind) => t.kinds[kind]).join(' / ')}
        </h1>
        <p className="meta">
          <TlpBadge tlp={incident.tlp} />
          <span>{t.severities[incident.severity]}</span>
          <span>{incident.regions.map((code) => regionName(code, language, t)).join('、')}</span>
          <span>{incident.services.join(', ')}</span>
          <span>
            {t.firstSeen} {formatJst(incident.firstSeen)}
          </span>
          <span>
            {t.lastSeen} {formatJst(incident.lastSeen)}
          </span>
        </p>
        {incident.note && <p className="text">{incident.note}</p>}
        <h2>
          {t.participants} ({incident.orgCount})
        </h2>
        <ul className="participants">
          {incident.participants.map((participant) => (
            <li key={participant.pseudonym}>
              {participant.organization?.name ?? participant.pseudonym}
              {participant.isViewerOrganization && ` (${t.you})`}
            </li>
          ))}
        </ul>
      </section>
      <div className="two-columns">
        <section className="card">
          <h2>{t.timeline}</h2>
          <ol className="timeline">
            {incident.timeline.map((event, index) => (
              <li key={index}>
                <time>{formatJst(event.at)}</time> <strong>{t.events[event.type]}</strong>
                {event.actor && ` · ${event.actor}`}
                {event.toStatus && ` → ${t.statuses[event.toStatus]}`}
                {event.description && ` · ${event.description}`}
              </li>
            ))}
          </ol>
          <h2>{t.plannedWork}</h2>
          {incident.plannedWork.length === 0 && <p className="empty">{t.noPlannedWork}</p>}
          {incident.plannedWork.map((signal) => (
            <SignalCard key={signal.id} signal={signal} ownOrgId={ownOrgId} />
          ))}
          {canCurate && <CurationForm incident={incident} token={token} onSaved={load} />}
        </section>
        <section>
          <h2>
            {t.signals} ({incident.signalCount})
          </h2>
          {incident.signals.map((signal) => (
            <SignalCard key={signal.id} signal={signal} ownOrgId={ownOrgId} />
          ))}
        </section>
      </div>
    </div>
  );
}

function CurationForm({ incident, token, onSaved }: { incident: IncidentDetail; token: string; onSaved: () => Promise<void> }) {
  const { t } = useI18n();
  const [title, setTitle] = useState(incident.title ?? '');
  const [note, setNote] = useState(incident.note ?? '');
  const [severity, setSeverity] = useState<Severity>(incident.severity);
  const [tlp, setTlp] = useState<TlpLabel>(incident.tlp);
  const [status, setStatus] = useState<IncidentStatus>(incident.status);
  const [message, setMessage] = useState<string | null>(null);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await graphqlRequest(CURATE, { id: incident.id, input: { title, note, severity, tlp: tlp === TlpLabel.RED ? null : tlp, status } }, token);
      setMessage(t.saved);
      await onSaved();
    } catch (caught) {
      setMessage(caught instanceof HubError ? caught.message : String(caught));
    }
  };

  const open = incident.orgCount > 1 ? IncidentStatus.CROSS_CARRIER : IncidentStatus.SINGLE_ORG;
  return (
    <form className="curation" onSubmit={save} aria-label={t.curation}>
      <h2>{t.curation}</h2>
      <label>
        {t.title}
        <input name="title" value={title} onChange={(e) => setTitle(e.target.value)} />
      </label>
      <label>
        {t.note}
        <textarea name="note" rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      <div className="grid">
        <label>
          {t.severity}
          <select value={severity} onChange={(e) => setSeverity(e.target.value as Severity)}>
            {Object.values(Severity).map((value) => (
              <option key={value} value={value}>{t.severities[value]}</option>
            ))}
          </select>
        </label>
        <label>
          {t.tlp}
          <select value={tlp} onChange={(e) => setTlp(e.target.value as TlpLabel)}>
            {Object.values(TlpLabel).filter((value) => value !== TlpLabel.RED).map((value) => (
              <option key={value} value={value}>{t.tlpLabels[value]}</option>
            ))}
          </select>
        </label>
        <label>
          {t.status}
          <select value={status} onChange={(e) => setStatus(e.target.value as IncidentStatus)}>
            {[open, IncidentStatus.RESOLVED].map((value) => (
              <option key={value} value={value}>{t.statuses[value]}</option>
            ))}
          </select>
        </label>
      </div>
      <button type="submit">{t.save}</button>
      {message && <p role="status">{message}</p>}
    </form>
  );
}
