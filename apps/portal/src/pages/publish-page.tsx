import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import {
  OutageSymptom,
  ResolverFailureMode,
  ResolverRole,
  RouteAnomalyType,
  Severity,
  SignalKind,
  TlpLabel,
} from '../../../../libs/schema/src/enums.ts';
import { INTERNATIONAL, NATIONWIDE, PREFECTURES } from '../../../../libs/schema/src/regions.ts';
import { graphqlRequest, HubError } from '../api/graphql-client.ts';
import { ORGANISATIONS, PUBLISH } from '../api/queries.ts';
import { regionName, useI18n } from '../i18n/index.ts';
import { SignalCard, type SignalView } from '../signal-card.tsx';

type Form = Record<string, string>;

interface PublishResult {
  publishSignals: { duplicate: boolean; signal: SignalView; incident: { id: string; status: string; otherOrgCount: number } | null }[];
}

const DETAILS_FIELD: Record<SignalKind, string> = {
  [SignalKind.TRAFFIC_DROP]: 'trafficDrop',
  [SignalKind.ROUTE_ANOMALY]: 'routeAnomaly',
  [SignalKind.RESOLVER_FAILURE]: 'resolverFailure',
  [SignalKind.SERVICE_OUTAGE]: 'serviceOutage',
  [SignalKind.MAINTENANCE]: 'maintenance',
};

/** datetime-local values are read as JST wall-clock time. */
const fromJstInput = (value: string) => (value ? new Date(`${value}:00+09:00`).toISOString() : null);
const nowJstInput = () => new Date(Date.now() + 9 * 3600_000).toISOString().slice(0, 16);
const numberOrNull = (value: string | undefined) => (value === undefined || value.trim() === '' ? null : Number(value));
const list = (value: string, separator: RegExp) => value.split(separator).map((item) => item.trim()).filter(Boolean);

function detailsOf(kind: SignalKind, form: Form): Record<string, unknown> {
  switch (kind) {
    case SignalKind.TRAFFIC_DROP:
      return { dropPercent: numberOrNull(form.dropPercent), peerAsn: numberOrNull(form.peerAsn), affectedUsers: numberOrNull(form.affectedUsers) };
    case SignalKind.ROUTE_ANOMALY:
      return {
        anomalyType: form.anomalyType,
        prefixes: list(form.prefixes ?? '', /\n/),
        originAsn: numberOrNull(form.originAsn),
        leakingAsn: numberOrNull(form.leakingAsn),
        asPath: list(form.asPath ?? '', /\s+/).map(Number),
        prefixCount: numberOrNull(form.prefixCount),
      };
    case SignalKind.RESOLVER_FAILURE:
      return { resolverRole: form.resolverRole, failureMode: form.failureMode, failureRate: numberOrNull(form.failureRate), domains: list(form.domains ?? '', /\s+/) };
    case SignalKind.SERVICE_OUTAGE:
      return { symptom: form.symptom, affectedUsers: numberOrNull(form.affectedUsers) };
    case SignalKind.MAINTENANCE:
      return { plannedStart: fromJstInput(form.plannedStart), plannedEnd: fromJstInput(form.plannedEnd), description: form.description || null };
  }
}

export function PublishPage({ token, ownOrgId }: { token: string; ownOrgId: string }) {
  const { t, language } = useI18n();
  const [kind, setKind] = useState<SignalKind>(SignalKind.TRAFFIC_DROP);
  const [form, setForm] = useState<Form>(() => ({
    severity: Severity.MAJOR,
    tlp: TlpLabel.AMBER,
    observedStart: nowJstInput(),
    sourceRef: crypto.randomUUID(),
    service: 'internet',
    anomalyType: RouteAnomalyType.ROUTE_LEAK,
    resolverRole: ResolverRole.RECURSIVE,
    failureMode: ResolverFailureMode.TIMEOUT,
    symptom: OutageSymptom.UNREACHABLE,
  }));
  const [regions, setRegions] = useState<string[]>(['13']);
  const [recipients, setRecipients] = useState<string[]>([]);
  const [organisations, setOrganisations] = useState<{ id: string; name: string }[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [generalError, setGeneralError] = useState<string | null>(null);
  const [result, setResult] = useState<PublishResult['publishSignals'][number] | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void graphqlRequest<{ organizations: { id: string; name: string }[] }>(ORGANISATIONS, {}, token).then((data) =>
      setOrganisations(data.organizations.filter((org) => org.id !== ownOrgId)),
    );
  }, [token, ownOrgId]);

  const set = (name: string) => (event: { target: { value: string } }) => setForm((current) => ({ ...current, [name]: event.target.value }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setGeneralError(null);
    setResult(null);
    try {
      const signal = {
        sourceRef: form.sourceRef,
        kind,
        severity: form.severity,
        tlp: form.tlp,
        recipientOrgIds: form.tlp === TlpLabel.RED ? recipients : null,
        observedStart: fromJstInput(form.observedStart),
        observedEnd: fromJstInput(form.observedEnd ?? ''),
        regions,
        service: form.service || null,
        text: form.text || null,
        [DETAILS_FIELD[kind]]: detailsOf(kind, form),
      };
      const data = await graphqlRequest<PublishResult>(PUBLISH, { signals: [signal] }, token);
      setResult(data.publishSignals[0]);
      setForm((current) => ({ ...current, sourceRef: crypto.randomUUID() }));
    } catch (caught) {
      if (caught instanceof HubError && caught.fieldErrors.length > 0) {
        setErrors(Object.fromEntries(caught.fieldErrors.map((error) => [error.field, error.message])));
        setGeneralError(t.fixErrors);
      } else {
        setGeneralError(caught instanceof Error ? caught.message : String(caught));
      }
    } finally {
      setBusy(false);
    }
  };

  const detailsPrefix = DETAILS_FIELD[kind];
  const field = (name: string, label: string, control: ReactNode, path = name) => (
    <label className={errors[path] ? 'invalid' : ''}>
      {label}
      {control}
      {errors[path] && (
        <span className="field-error" role="alert" data-field={path}>
          {errors[path]}
        </span>
      )}
    </label>
  );
  const input = (name: string, label: string, type = 'text') =>
    field(name, label, <input name={name} type={type} value={form[name] ?? ''} onChange={set(name)} step={type === 'number' ? 'any' : undefined} />, `${detailsPrefix}.${name}`);
  const choice = (name: string, label: string, values: string[]) =>
    field(
      name,
      label,
      <select name={name} value={form[name]} onChange={set(name)}>
        {values.map((value) => (
          <option key={value}>{value}</option>
        ))}
      </select>,
      `${detailsPrefix}.${name}`,
    );

  return (
    <div className="publish-layout">
      <form className="card publish" onSubmit={submit} noValidate aria-label={t.publishTitle}>
        <h1>{t.publishTitle}</h1>
        {generalError && <p className="error" role="alert">{generalError}</p>}
        <div className="grid">
          {field('kind', t.kind, (
            <select name="kind" value={kind} onChange={(e) => setKind(e.target.value as SignalKind)}>
              {Object.values(SignalKind).map((value) => (
                <option key={value} value={value}>{t.kinds[value]}</option>
              ))}
            </select>
          ))}
          {field('severity', t.severity, (
            <select name="severity" value={form.severity} onChange={set('severity')}>
              {Object.values(Severity).map((value) => (
                <option key={value} value={value}>{t.severities[value]}</option>
              ))}
            </select>
          ))}
          {field('tlp', t.tlp, (
            <select name="tlp" value={form.tlp} onChange={set('tlp')}>
              {Object.values(TlpLabel).map((value) => (
                <option key={value} value={value}>{t.tlpLabels[value]}</option>
              ))}
            </select>
          ))}
          {form.tlp === TlpLabel.RED &&
            field('recipientOrgIds', t.recipients, (
              <select name="recipientOrgIds" multiple value={recipients} onChange={(e) => setRecipients([...e.target.selectedOptions].map((o) => o.value))}>
                {organisations.map((org) => (
                  <option key={org.id} value={org.id}>{org.name}</option>
                ))}
              </select>
            ))}
          {field('regions', t.regions, (
            <select name="regions" multiple size={6} value={regions} onChange={(e) => setRegions([...e.target.selectedOptions].map((o) => o.value))}>
              {[NATIONWIDE, INTERNATIONAL, ...PREFECTURES.map((p) => p.code)].map((code) => (
                <option key={code} value={code}>{regionName(code, language, t)}</option>
              ))}
            </select>
          ))}
          {field('service', t.service, <input name="service" value={form.service ?? ''} onChange={set('service')} />)}
          {field('observedStart', `${t.observedStart} (${t.jst})`, <input name="observedStart" type="datetime-local" value={form.observedStart ?? ''} onChange={set('observedStart')} />)}
          {field('observedEnd', `${t.observedEnd} (${t.jst})`, <input name="observedEnd" type="datetime-local" value={form.observedEnd ?? ''} onChange={set('observedEnd')} />)}
          {field('sourceRef', t.sourceRef, <input name="sourceRef" value={form.sourceRef} onChange={set('sourceRef')} />)}
        </div>
        <fieldset className="grid">
          <legend>{t.kinds[kind]}</legend>
          {kind === SignalKind.TRAFFIC_DROP && (
            <>
              {input('dropPercent', t.dropPercent, 'number')}
              {input('peerAsn', t.peerAsn, 'number')}
              {input('affectedUsers', t.affectedUsers, 'number')}
            </>
          )}
          {kind === SignalKind.ROUTE_ANOMALY && (
            <>
              {choice('anomalyType', t.anomalyType, Object.values(RouteAnomalyType))}
              {field('prefixes', t.prefixes, <textarea name="prefixes" rows={3} value={form.prefixes ?? ''} onChange={set('prefixes')} />, 'routeAnomaly.prefixes')}
              {input('originAsn', t.originAsn, 'number')}
              {input('leakingAsn', t.leakingAsn, 'number')}
              {input('asPath', t.asPath)}
              {input('prefixCount', t.prefixCount, 'number')}
            </>
          )}
          {kind === SignalKind.RESOLVER_FAILURE && (
            <>
              {choice('resolverRole', t.resolverRole, Object.values(ResolverRole))}
              {choice('failureMode', t.failureMode, Object.values(ResolverFailureMode))}
              {input('failureRate', t.failureRate, 'number')}
              {input('domains', t.domains)}
            </>
          )}
          {kind === SignalKind.SERVICE_OUTAGE && (
            <>
              {choice('symptom', t.symptom, Object.values(OutageSymptom))}
              {input('affectedUsers', t.affectedUsers, 'number')}
            </>
          )}
          {kind === SignalKind.MAINTENANCE && (
            <>
              {input('plannedStart', `${t.plannedStart} (${t.jst})`, 'datetime-local')}
              {input('plannedEnd', `${t.plannedEnd} (${t.jst})`, 'datetime-local')}
              {input('description', t.description)}
            </>
          )}
        </fieldset>
        {field('text', t.text, <textarea name="text" rows={3} value={form.text ?? ''} onChange={set('text')} />)}
        <button type="submit" disabled={busy}>{busy ? t.publishing : t.submit}</button>
      </form>
      {result && (
        <section className="card result" aria-live="polite">
          <p className="ok">{result.duplicate ? t.duplicate : t.published}</p>
          {result.incident && (
            <p className={`just-me ${result.incident.otherOrgCount > 0 ? 'not-alone' : ''}`}>
              {result.incident.otherOrgCount > 0 ? t.notAlone(result.incident.otherOrgCount) : t.justYou}
            </p>
          )}
          <SignalCard signal={result.signal} ownOrgId={ownOrgId} />
        </section>
      )}
    </div>
  );
}
