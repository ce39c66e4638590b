import { useEffect, useState, type FormEvent } from 'react';
import { SignalKind, TlpLabel } from '../../../../libs/schema/src/enums.ts';
import { PREFECTURES } from '../../../../libs/schema/src/regions.ts';
import { graphqlRequest, HubError } from '../api/graphql-client.ts';
import { ADVISORIES, AGGREGATES, PUBLISH_ADVISORY } from '../api/queries.ts';
import { formatJst, useI18n } from '../i18n/index.ts';
import { JAPAN_TILES } from '../japan-tiles.ts';
import { TlpBadge } from '../signal-card.tsx';

interface Cell {
  bucketStart: string;
  kind: SignalKind | null;
  region: string | null;
  suppressed: boolean;
  signalCount: number | null;
  orgCount: number | null;
}

interface Aggregates {
  k: number;
  everyCellShown: boolean;
  cells: Cell[];
}

interface Advisory {
  id: string;
  title: string;
  body: string;
  tlp: TlpLabel;
  publishedAt: string;
  issuer: { name: string };
}

const KIND_COLOURS: Record<string, string> = {
  TRAFFIC_DROP: '#0b5cad',
  ROUTE_ANOMALY: '#b42318',
  RESOLVER_FAILURE: '#7a3fb0',
  SERVICE_OUTAGE: '#b76e00',
};
const TILE = 44;
const JST_MS = 9 * 3600_000;

/** Midnight in Japan, so the map shows one calendar day. */
function startOfJstDay(now: Date): Date {
  const day = 24 * 3600_000;
  return new Date(Math.floor((now.getTime() + JST_MS) / day) * day - JST_MS);
}

export function AggregatesPage({ token, canAdvise }: { token: string; canAdvise: boolean }) {
  const { t, language } = useI18n();
  const [byRegion, setByRegion] = useState<Aggregates | null>(null);
  const [byHour, setByHour] = useState<Aggregates | null>(null);
  const [advisories, setAdvisories] = useState<Advisory[]>([]);

  const loadAdvisories = () =>
    graphqlRequest<{ advisories: { edges: { node: Advisory }[] } }>(ADVISORIES, {}, token).then((data) =>
      setAdvisories(data.advisories.edges.map((edge) => edge.node)),
    );

  useEffect(() => {
    const to = new Date();
    const from = new Date(to.getTime() - 24 * 3600_000);
    void graphqlRequest<{ aggregates: Aggregates }>(AGGREGATES, { from: startOfJstDay(to), to, bucket: 'DAY', groupBy: ['REGION'] }, token).then(
      (data) => setByRegion(data.aggregates),
    );
    void graphqlRequest<{ aggregates: Aggregates }>(AGGREGATES, { from, to, bucket: 'HOUR', groupBy: ['KIND'] }, token).then((data) =>
      setByHour(data.aggregates),
    );
    void loadAdvisories();
  }, [token]);

  const regionTotals = new Map((byRegion?.cells ?? []).map((cell) => [cell.region!, cell]));
  const maxCount = Math.max(1, ...[...regionTotals.values()].map((cell) => cell.signalCount ?? 0));
  const withheld = byRegion !== null && !byRegion.everyCellShown;

  return (
    <div className="aggregates-page">
      <section className="card">
        <h1>
          {t.aggregatesTitle} <small>({t.aggregatesRange})</small>
        </h1>
        <p className="meta">{byRegion && (withheld ? t.kAnonymity(byRegion.k) : t.everyCell)}</p>
        <svg className="japan" viewBox={`0 0 ${13 * TILE} ${13 * TILE}`} role="img" aria-label={t.aggregatesTitle}>
          <defs>
            <pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
              <rect width="6" height="6" fill="#eef0f3" />
              <line x1="0" y1="0" x2="0" y2="6" stroke="#9aa4af" strokeWidth="2" />
            </pattern>
          </defs>
          {PREFECTURES.map((prefecture) => {
            const [column, row] = JAPAN_TILES[prefecture.code];
            const cell = regionTotals.get(prefecture.code);
            const suppressed = withheld && (!cell || cell.suppressed);
            const count = cell?.signalCount ?? 0;
            const fill = suppressed ? 'url(#hatch)' : count === 0 ? '#ffffff' : `rgba(180, 35, 24, ${0.15 + (0.85 * count) / maxCount})`;
            return (
              <g key={prefecture.code} transform={`translate(${column * TILE}, ${row * TILE})`} data-region={prefecture.code} data-suppressed={suppressed}>
                <title>
                  {prefecture[language]}: {suppressed ? t.suppressed : count}
                </title>
                <rect width={TILE - 3} height={TILE - 3} rx="4" fill={fill} stroke="#9aa4af" />
                <text x={(TILE - 3) / 2} y="17" textAnchor="middle" fontSize="10">
                  {prefecture[language].replace(/[都府県]$/, '').slice(0, 4)}
                </text>
                <text x={(TILE - 3) / 2} y="33" textAnchor="middle" fontSize="11" fontWeight="700">
                  {suppressed ? '—' : count}
                </text>
              </g>
            );
          })}
        </svg>
        <p className="legend">
          <span className="swatch hatch" /> {t.suppressed}
        </p>
      </section>
      <section className="card">
        <h2>{t.chartTitle}</h2>
        {byHour && <HourlyChart aggregates={byHour} />}
        <p className="legend">
          {Object.entries(KIND_COLOURS).map(([kind, colour]) => (
            <span key={kind}>
              <span className="swatch" style={{ background: colour }} /> {t.kinds[kind as SignalKind]}
            </span>
          ))}
        </p>
      </section>
      <section className="card">
        <h2>{t.advisories}</h2>
        {canAdvise && <AdvisoryForm token={token} onPublished={loadAdvisories} />}
        {advisories.length === 0 && <p className="empty">{t.noAdvisories}</p>}
        {advisories.map((advisory) => (
          <article key={advisory.id} className="advisory">
            <header>
              <TlpBadge tlp={advisory.tlp} /> <strong>{advisory.title}</strong>
            </header>
            <p className="meta">
              {t.issuedBy} {advisory.issuer.name} · {formatJst(advisory.publishedAt)}
            </p>
            <p className="text">{advisory.body}</p>
          </article>
        ))}
      </section>
    </div>
  );
}

function HourlyChart({ aggregates }: { aggregates: Aggregates }) {
  const { t } = useI18n();
  const buckets = [...new Set(aggregates.cells.map((cell) => cell.bucketStart))].sort();
  const totals = buckets.map((bucket) =>
    aggregates.cells.filter((cell) => cell.bucketStart === bucket && !cell.suppressed).reduce((sum, cell) => sum + (cell.signalCount ?? 0), 0),
  );
  const max = Math.max(1, ...totals);
  const width = 24;
  const height = 160;
  return (
    <svg className="chart" viewBox={`0 0 ${Math.max(1, buckets.length) * width} ${height + 20}`} role="img" aria-label={t.chartTitle}>
      {buckets.map((bucket, index) => {
        let y = height;
        const cells = aggregates.cells.filter((cell) => cell.bucketStart === bucket);
        const anySuppressed = cells.some((cell) => cell.suppressed);
        return (
          <g key={bucket} transform={`translate(${index * width}, 0)`}>
            {cells
              .filter((cell) => !cell.suppressed && cell.signalCount)
              .map((cell) => {
                const h = ((cell.signalCount ?? 0) / max) * (height - 10);
                y -= h;
                return <rect key={cell.kind} x="3" y={y} width={width - 6} height={h} fill={KIND_COLOURS[cell.kind ?? ''] ?? '#57606a'} />;
              })}
            {anySuppressed && <rect x="3" y={height - 6} width={width - 6} height="6" fill="url(#hatch)" stroke="#9aa4af" />}
            {index % 6 === 0 && (
              <text x="0" y={height + 15} fontSize="10">
                {formatJst(bucket).slice(11, 16)}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}

function AdvisoryForm({ token, onPublished }: { token: string; onPublished: () => Promise<void> }) {
  const { t } = useI18n();
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [tlp, setTlp] = useState<TlpLabel>(TlpLabel.GREEN);
  const [errors, setErrors] = useState<Record<string, string>>({});

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setErrors({});
    try {
      await graphqlRequest(PUBLISH_ADVISORY, { input: { title, body, tlp } }, token);
      setTitle('');
      setBody('');
      await onPublished();
    } catch (caught) {
      if (caught instanceof HubError) setErrors(Object.fromEntries(caught.fieldErrors.map((error) => [error.field, error.message])));
    }
  };

  return (
    <form className="advisory-form" onSubmit={submit} noValidate aria-label={t.writeAdvisory}>
      <h3>{t.writeAdvisory}</h3>
      <label className={errors.title ? 'invalid' : ''}>
        {t.title}
        <input name="advisory-title" value={title} onChange={(e) => setTitle(e.target.value)} />
        {errors.title && <span className="field-error">{errors.title}</span>}
      </label>
      <label className={errors.body ? 'invalid' : ''}>
        {t.body}
        <textarea name="advisory-body" rows={3} value={body} onChange={(e) => setBody(e.target.value)} />
        {errors.body && <span className="field-error">{errors.body}</span>}
      </label>
      <label>
        {t.tlp}
        <select value={tlp} onChange={(e) => setTlp(e.target.value as TlpLabel)}>
          {Object.values(TlpLabel).filter((value) => value !== TlpLabel.RED).map((value) => (
            <option key={value} value={value}>{t.tlpLabels[value]}</option>
          ))}
        </select>
      </label>
      <button type="submit">{t.submit}</button>
    </form>
  );
}
