import { useEffect, useState } from 'react';
import { graphqlRequest } from '../api/graphql-client.ts';
import { PUBLIC_STATUS } from '../api/queries.ts';
import { formatJst, regionName, useI18n } from '../i18n/index.ts';
import type { SignalView } from '../signal-card.tsx';

interface PublicStatus {
  incidents: { edges: { node: { id: string; status: 'SINGLE_ORG' | 'CROSS_CARRIER' | 'RESOLVED'; title: string | null; kinds: SignalView['kind'][]; regions: string[]; firstSeen: string; lastSeen: string } }[] };
  advisories: { edges: { node: { id: string; title: string; body: string; publishedAt: string; issuer: { name: string } } }[] };
}

/** What anyone may see without signing in: TLP:CLEAR only, as the hub decides for anonymous viewers. */
export function StatusPage() {
  const { t, language } = useI18n();
  const [status, setStatus] = useState<PublicStatus | null>(null);
  useEffect(() => void graphqlRequest<PublicStatus>(PUBLIC_STATUS, {}, null).then(setStatus), []);
  return (
    <div className="status-page">
      <section className="card">
        <h1>{t.statusTitle}</h1>
        <p className="meta">{t.statusIntro}</p>
        {status?.incidents.edges.length === 0 && <p className="empty">{t.noPublicIncidents}</p>}
        {status?.incidents.edges.map(({ node }) => (
          <article key={node.id} className="incident">
            <header>
              <strong>{node.title ?? node.kinds.map((kind) => t.kinds[kind]).join(' / ')}</strong>
              <span className="status">{t.statuses[node.status]}</span>
            </header>
            <p className="meta">
              {node.regions.map((code) => regionName(code, language, t)).join('、')} · {formatJst(node.firstSeen)} – {formatJst(node.lastSeen)}
            </p>
          </article>
        ))}
      </section>
      <section className="card">
        <h2>{t.advisories}</h2>
        {status?.advisories.edges.length === 0 && <p className="empty">{t.noAdvisories}</p>}
        {status?.advisories.edges.map(({ node }) => (
          <article key={node.id} className="advisory">
            <strong>{node.title}</strong>
            <p className="meta">
              {t.issuedBy} {node.issuer.name} · {formatJst(node.publishedAt)}
            </p>
            <p className="text">{node.body}</p>
          </article>
        ))}
      </section>
    </div>
  );
}
