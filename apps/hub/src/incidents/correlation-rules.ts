import { SignalKind } from '@kessetsu/schema';

/**
 * Which signals belong to the same incident — the hub's one statement of it.
 *
 * A signal offers *keys* to the incident it joins and looks for incidents by
 * *probes*; it joins an open incident that offers one of its probes (or, for route
 * anomalies, an overlapping prefix) and whose observed window meets its own,
 * widened by the correlation margin. Otherwise it opens a new incident.
 *
 * Same kind:
 * - ROUTE_ANOMALY: overlapping prefixes, or the same origin ASN, or the same leaking ASN.
 * - TRAFFIC_DROP: same region, service and peer ASN.
 * - RESOLVER_FAILURE: same region and a shared domain.
 * - SERVICE_OUTAGE: same service and region.
 * Across kinds, through the ASNs each member organisation registers:
 * - a route anomaly whose origin ASN belongs to member X joins X's traffic-drop or
 *   outage incident, and X's later traffic drops and outages join the route anomaly's;
 * - a traffic drop whose peer ASN appears in a route anomaly (its AS path, origin or
 *   leaking ASN) joins that route anomaly's incident;
 * - a traffic drop or outage of member X joins a route anomaly whose AS path runs
 *   through one of X's ASNs (the leak crossed X's network, as it crossed KDDI's).
 * MAINTENANCE (planned work) never forms incidents; it is shown beside them.
 */
export interface CorrelatableSignal {
  orgId: string;
  kind: SignalKind;
  regions: readonly string[];
  service: string | null;
  details: Record<string, unknown>;
}

/** Which member organisations registered which ASNs. */
export interface AsnDirectory {
  ownersOf(asn: number): readonly string[];
  asnsOf(orgId: string): readonly number[];
}

export interface CorrelationTerms {
  /** What the signal's incident offers to later signals. */
  keys: string[];
  /** What the signal looks for among open incidents. */
  probes: string[];
  /** Route prefixes, matched by overlap rather than equality. */
  prefixes: string[];
}

const NO_SERVICE = '-';
const NO_PEER = '-';

type TermPart = string | number;

interface TermNode {
  readonly next: Map<TermPart, TermNode>;
  text: string | null;
}

const termNode = (): TermNode => ({ next: new Map(), text: null });

/**
 * One string per correlation term, found by its parts: a term written afresh for each
 * signal was flattened and hashed again at every lookup (in the open incidents' keys and
 * the batch's, several per signal, under the write lock). Parts come from publishers'
 * text (services, domains), so the table starts over once it holds `capacity` terms.
 */
export class TermTable {
  private root = termNode();
  private held = 0;

  constructor(private readonly capacity: number) {}

  /** How many terms are held. */
  get size(): number {
    return this.held;
  }

  /** `first:second:...`, the same string each time for the same parts. */
  term(first: TermPart, second: TermPart, third?: TermPart, fourth?: TermPart): string {
    let node = this.child(this.child(this.root, first), second);
    if (third !== undefined) node = this.child(node, third);
    if (fourth !== undefined) node = this.child(node, fourth);
    if (node.text === null) {
      if (this.held === this.capacity) {
        this.root = termNode();
        this.held = 0;
        return this.term(first, second, third, fourth);
      }
      node.text = [first, second, third, fourth].filter((part) => part !== undefined).join(':');
      this.held += 1;
    }
    return node.text;
  }

  private child(node: TermNode, part: TermPart): TermNode {
    let child = node.next.get(part);
    if (!child) node.next.set(part, (child = termNode()));
    return child;
  }
}

const terms = new TermTable(50_000);

const asNumber = (value: unknown): number | null => (typeof value === 'number' ? value : null);

function routeAsns(details: Record<string, unknown>): { origin: number | null; leaking: number | null; path: number[] } {
  return {
    origin: asNumber(details.originAsn),
    leaking: asNumber(details.leakingAsn),
    path: Array.isArray(details.asPath) ? details.asPath.filter((asn): asn is number => typeof asn === 'number') : [],
  };
}

export function correlationTerms(signal: CorrelatableSignal, asns: AsnDirectory): CorrelationTerms | null {
  const service = signal.service ?? NO_SERVICE;
  const throughOwnNetwork = asns.asnsOf(signal.orgId).map((asn) => terms.term('route-asn', asn));
  switch (signal.kind) {
    case SignalKind.MAINTENANCE:
      return null;
    case SignalKind.TRAFFIC_DROP: {
      const peer = asNumber(signal.details.peerAsn);
      const own = signal.regions.map((region) => terms.term('drop', region, service, peer ?? NO_PEER));
      return {
        keys: [...own, terms.term('victim', signal.orgId)],
        probes: [...own, terms.term('route-victim', signal.orgId), ...throughOwnNetwork, ...(peer === null ? [] : [terms.term('route-asn', peer)])],
        prefixes: [],
      };
    }
    case SignalKind.SERVICE_OUTAGE: {
      const own = signal.regions.map((region) => terms.term('outage', service, region));
      return {
        keys: [...own, terms.term('victim', signal.orgId)],
        probes: [...own, terms.term('route-victim', signal.orgId), ...throughOwnNetwork],
        prefixes: [],
      };
    }
    case SignalKind.RESOLVER_FAILURE: {
      const domains = Array.isArray(signal.details.domains) && signal.details.domains.length > 0
        ? (signal.details.domains as string[]).map((domain) => domain.toLowerCase().replace(/\.$/, ''))
        : ['-'];
      const own = signal.regions.flatMap((region) => domains.map((domain) => terms.term('dns', region, domain)));
      return { keys: own, probes: own, prefixes: [] };
    }
    case SignalKind.ROUTE_ANOMALY: {
      const { origin, leaking, path } = routeAsns(signal.details);
      const keys: string[] = [];
      const probes: string[] = [];
      if (origin !== null) {
        keys.push(terms.term('route-origin', origin));
        probes.push(terms.term('route-origin', origin));
        for (const owner of asns.ownersOf(origin)) {
          keys.push(terms.term('route-victim', owner));
          probes.push(terms.term('victim', owner));
        }
      }
      if (leaking !== null) {
        keys.push(terms.term('route-leaker', leaking));
        probes.push(terms.term('route-leaker', leaking));
      }
      for (const asn of new Set([...path, ...(origin === null ? [] : [origin]), ...(leaking === null ? [] : [leaking])])) {
        keys.push(terms.term('route-asn', asn));
      }
      const prefixes = Array.isArray(signal.details.prefixes) ? (signal.details.prefixes as string[]) : [];
      return { keys, probes, prefixes };
    }
  }
}

export interface TimeWindow {
  start: Date;
  end: Date;
}

/**
 * How long after its start an open-ended signal can still be "ongoing as published":
 * beyond it the signal is a late report (a backfill or a replay), not live news.
 */
export const OPEN_ENDED_HORIZON_MS = 6 * 3600_000;

/**
 * A signal's window: its observed start to its observed end; while still open, to
 * its publication (it was ongoing then), but never past the open-ended horizon.
 */
export function signalWindow(observedStart: Date, observedEnd: Date | null, publishedAt: Date): TimeWindow {
  if (observedEnd) return { start: observedStart, end: observedEnd };
  const horizon = observedStart.getTime() + OPEN_ENDED_HORIZON_MS;
  const end = Math.min(Math.max(publishedAt.getTime(), observedStart.getTime()), horizon);
  return { start: observedStart, end: new Date(end) };
}

/** Whether a signal's window meets an incident's, widened by the margin. */
export function windowsMeet(signal: TimeWindow, incident: { windowStart: Date; windowEnd: Date }, marginMs: number): boolean {
  return signal.start.getTime() <= incident.windowEnd.getTime() + marginMs && incident.windowStart.getTime() <= signal.end.getTime() + marginMs;
}
