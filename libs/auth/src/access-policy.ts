import { OrgKind, TlpLabel } from '@kessetsu/schema';
import { Permission, hasPermission, permissionsOf } from './permissions.js';
import type { Viewer } from './viewer.js';

/**
 * The hub's one statement of who may receive what (design brief, "Access tiers").
 * Every read path — queries, live feeds, aggregates, exports — asks this module.
 *
 * A record's audience is a set of tokens computed from its TLP label, publisher and
 * named recipients; a viewer holds tokens too. The record is visible when the sets
 * meet. The same tokens are stored with each record so the database can apply the
 * identical rule (`audience && viewer_tokens`), and the live feed groups subscribers
 * by their token sets.
 */
export interface SharedRecord {
  readonly tlp: TlpLabel;
  readonly publisherOrgId: string;
  /** Organisations named by the publisher; meaningful for TLP:RED only. */
  readonly recipientOrgIds: readonly string[];
}

/** What a visible record may show to one viewer. */
export interface Disclosure {
  /** Publisher organisation, its own reference, and RED recipients. */
  readonly identity: boolean;
  /** Free text as written; otherwise the scrubbed copy. */
  readonly rawText: boolean;
}

const PUBLIC = 'public';
const MEMBER = 'member';
const kindToken = (kind: OrgKind) => `kind:${kind}`;
/** Held by every credential of the organisation: its own records. */
const orgToken = (orgId: string) => `org:${orgId}`;
/** Held only by credentials that may read: records others addressed to the organisation. */
const recipientToken = (orgId: string) => `recipient:${orgId}`;

const AMBER_KINDS = [OrgKind.CARRIER, OrgKind.ISAC, OrgKind.MINISTRY];

/** The publisher's own organisation is always in the audience, whatever its credential may otherwise read. */
export function audienceOf(record: SharedRecord): string[] {
  const publisher = orgToken(record.publisherOrgId);
  switch (record.tlp) {
    case TlpLabel.CLEAR:
      return [PUBLIC, publisher];
    case TlpLabel.GREEN:
      return [MEMBER, publisher];
    case TlpLabel.AMBER:
      return [...AMBER_KINDS.map(kindToken), publisher];
    case TlpLabel.AMBER_STRICT:
      return [kindToken(OrgKind.MINISTRY), publisher];
    case TlpLabel.RED:
      return [
        kindToken(OrgKind.MINISTRY),
        publisher,
        ...[...new Set(record.recipientOrgIds)].filter((id) => id !== record.publisherOrgId).map(recipientToken),
      ];
  }
}

/**
 * Tokens held by a viewer. A credential without read permission still sees what its
 * own organisation published (e.g. a publish-only key reading back its result).
 */
export function viewerTokens(viewer: Viewer): string[] {
  if (viewer.orgId === null || viewer.orgKind === null) return [PUBLIC];
  if (!hasPermission(viewer, Permission.SIGNALS_READ)) return [PUBLIC, orgToken(viewer.orgId)];
  return [PUBLIC, MEMBER, kindToken(viewer.orgKind), orgToken(viewer.orgId), recipientToken(viewer.orgId)];
}

/**
 * Viewers of one class are indistinguishable to this policy (same organisation, kind
 * and permissions): whatever is shaped for one of them may be sent to the others. The
 * live feeds execute each event once per class rather than once per subscriber.
 */
export function visibilityClass(viewer: Viewer): string {
  return [viewer.orgKind ?? '-', viewer.orgId ?? '-', ...[...permissionsOf(viewer)].sort()].join('|');
}

export function canView(viewer: Viewer, record: SharedRecord): boolean {
  const held = new Set(viewerTokens(viewer));
  return audienceOf(record).some((token) => held.has(token));
}

export function canSeeIdentity(viewer: Viewer, record: SharedRecord): boolean {
  return canSeeOrgIdentity(viewer, record.publisherOrgId);
}

/** Null when the record must not reach the viewer at all (indistinguishable from absent). */
export function disclosureFor(viewer: Viewer, record: SharedRecord): Disclosure | null {
  if (!canView(viewer, record)) return null;
  const identity = canSeeIdentity(viewer, record);
  return { identity, rawText: identity };
}

/** An incident: the organisations whose signals it holds, and its own (derived or curated) label. */
export interface SharedIncident {
  readonly tlp: TlpLabel;
  readonly participantOrgIds: readonly string[];
  readonly recipientOrgIds: readonly string[];
}

/**
 * Participants always see the incident they are part of (that is the "is it just
 * me?" answer); others as its label allows. No participant's identity is disclosed
 * by the incident itself except to the ministry and to the participant itself.
 */
export function incidentAudienceOf(incident: SharedIncident): string[] {
  const [first = ''] = incident.participantOrgIds;
  const byLabel = audienceOf({ tlp: incident.tlp, publisherOrgId: first, recipientOrgIds: incident.recipientOrgIds });
  return [...new Set([...byLabel, ...incident.participantOrgIds.map(orgToken)])];
}

export function canViewIncident(viewer: Viewer, incident: SharedIncident): boolean {
  const held = new Set(viewerTokens(viewer));
  return incidentAudienceOf(incident).some((token) => held.has(token));
}

/** Whether the viewer may learn which organisation stands behind a pseudonym. */
export function canSeeOrgIdentity(viewer: Viewer, orgId: string): boolean {
  return viewer.orgId === orgId || (viewer.orgKind === OrgKind.MINISTRY && viewer.orgId !== null);
}

/** Labels from least to most restrictive. */
export const TLP_ORDER: readonly TlpLabel[] = [TlpLabel.CLEAR, TlpLabel.GREEN, TlpLabel.AMBER, TlpLabel.AMBER_STRICT, TlpLabel.RED];

/**
 * The label an incident inherits when a signal joins it: the more restrictive of the
 * two. RED recipients narrow to those named by every RED signal.
 */
export function combineLabels(
  current: { tlp: TlpLabel; recipientOrgIds: readonly string[] } | null,
  joining: { tlp: TlpLabel; recipientOrgIds: readonly string[] },
): { tlp: TlpLabel; recipientOrgIds: string[] } {
  if (!current) return { tlp: joining.tlp, recipientOrgIds: [...joining.recipientOrgIds] };
  const tlp = TLP_ORDER.indexOf(joining.tlp) > TLP_ORDER.indexOf(current.tlp) ? joining.tlp : current.tlp;
  if (tlp !== TlpLabel.RED) return { tlp, recipientOrgIds: [] };
  if (current.tlp !== TlpLabel.RED) return { tlp, recipientOrgIds: [...joining.recipientOrgIds] };
  if (joining.tlp !== TlpLabel.RED) return { tlp, recipientOrgIds: [...current.recipientOrgIds] };
  return { tlp, recipientOrgIds: current.recipientOrgIds.filter((id) => joining.recipientOrgIds.includes(id)) };
}

/**
 * Advisories reach the audience their label implies. Their issuers (the ministry or
 * ICT-ISAC) speak as institutions, so an advisory names its issuer to every viewer
 * that receives it; anonymity protects publishers of signals, not advisories.
 */
export function advisoryDisclosure(viewer: Viewer, advisory: SharedRecord): Disclosure | null {
  return canView(viewer, advisory) ? { identity: true, rawText: true } : null;
}

export interface AggregateScope {
  /** Labels of the signals that may be counted in this viewer's aggregates. */
  labels: TlpLabel[];
  /** Whether cells with fewer than k distinct organisations must be withheld. */
  suppressSmallCells: boolean;
}

/**
 * Aggregates count only signals the viewer could receive from any other
 * organisation (so never AMBER_STRICT or RED, which depend on who published), and
 * withhold small cells from everyone but the ministry, which sees every cell.
 */
export function aggregateScope(viewer: Viewer): AggregateScope {
  if (viewer.orgKind === OrgKind.MINISTRY && hasPermission(viewer, Permission.SIGNALS_READ)) {
    return { labels: [...TLP_ORDER], suppressSmallCells: false };
  }
  const someoneElse = `not:${viewer.orgId ?? 'anonymous'}`;
  const labels = TLP_ORDER.filter((tlp) => canView(viewer, { tlp, publisherOrgId: someoneElse, recipientOrgIds: [] }));
  return { labels, suppressSmallCells: true };
}

/** What is wrong with a record's named recipients for its label, if anything: only TLP:RED names them, and must. */
export function recipientsProblem(tlp: TlpLabel, recipientOrgIds: readonly string[]): string | null {
  if (tlp === TlpLabel.RED && recipientOrgIds.length === 0) return 'TLP:RED needs at least one named recipient organisation';
  if (tlp !== TlpLabel.RED && recipientOrgIds.length > 0) return 'only TLP:RED names recipients';
  return null;
}
