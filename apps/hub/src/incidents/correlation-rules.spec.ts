import { SignalKind } from '@kessetsu/schema';
import { AsnDirectory, CorrelatableSignal, TermTable, correlationTerms, signalWindow, windowsMeet } from './correlation-rules.js';

const directory: AsnDirectory = {
  ownersOf: (asn) => ({ 4713: ['ntt'], 2516: ['kddi'] })[asn] ?? [],
  asnsOf: (orgId) => ({ ntt: [4713], kddi: [2516] })[orgId] ?? [],
};

const signal = (overrides: Partial<CorrelatableSignal>): CorrelatableSignal => ({
  orgId: 'someone',
  kind: SignalKind.TRAFFIC_DROP,
  regions: ['13'],
  service: 'internet',
  details: {},
  ...overrides,
});

/** Two signals link when what one offers meets what the other looks for (either way round). */
function link(a: CorrelatableSignal, b: CorrelatableSignal): boolean {
  const ta = correlationTerms(a, directory);
  const tb = correlationTerms(b, directory);
  if (!ta || !tb) return false;
  const meets = (offer: string[], look: string[]) => look.some((probe) => offer.includes(probe));
  return meets(ta.keys, tb.probes) || meets(tb.keys, ta.probes);
}

describe('correlation rules', () => {
  describe('same kind', () => {
    const drop = (regions: string[], service: string, peerAsn: number | null) =>
      signal({ kind: SignalKind.TRAFFIC_DROP, regions, service, details: { dropPercent: 20, peerAsn } });
    it.each([
      ['same region, service and peer', drop(['13'], 'internet', 2516), drop(['13', '14'], 'internet', 2516), true],
      ['another region', drop(['13'], 'internet', 2516), drop(['27'], 'internet', 2516), false],
      ['another service', drop(['13'], 'internet', 2516), drop(['13'], 'mobile-data', 2516), false],
      ['another peer', drop(['13'], 'internet', 2516), drop(['13'], 'internet', 17676), false],
    ])('traffic drops: %s', (_case, a, b, expected) => expect(link(a, b)).toBe(expected));

    const route = (details: Record<string, unknown>) => signal({ kind: SignalKind.ROUTE_ANOMALY, regions: ['NATIONWIDE'], details });
    it.each([
      ['same origin ASN', route({ originAsn: 64500, prefixes: ['192.0.2.0/24'] }), route({ originAsn: 64500, prefixes: ['198.51.100.0/24'] }), true],
      ['same leaking ASN', route({ originAsn: 1, leakingAsn: 15169 }), route({ originAsn: 2, leakingAsn: 15169 }), true],
      ['nothing shared', route({ originAsn: 1, leakingAsn: 3 }), route({ originAsn: 2, leakingAsn: 4 }), false],
    ])('route anomalies: %s', (_case, a, b, expected) => expect(link(a, b)).toBe(expected));

    it('offers route prefixes for overlap matching rather than as exact keys', () => {
      const terms = correlationTerms(route({ prefixes: ['203.0.113.0/24', '198.51.100.0/22'] }), directory)!;
      expect(terms.prefixes).toEqual(['203.0.113.0/24', '198.51.100.0/22']);
    });

    const resolver = (regions: string[], domains: string[]) =>
      signal({ kind: SignalKind.RESOLVER_FAILURE, regions, service: 'dns', details: { domains } });
    it.each([
      ['a shared domain, case and trailing dot ignored', resolver(['40'], ['example.jp', 'a.example']), resolver(['40'], ['EXAMPLE.jp.']), true],
      ['no shared domain', resolver(['40'], ['example.jp']), resolver(['40'], ['example.org']), false],
      ['another region', resolver(['40'], ['example.jp']), resolver(['01'], ['example.jp']), false],
    ])('resolver failures: %s', (_case, a, b, expected) => expect(link(a, b)).toBe(expected));

    const outage = (service: string, regions: string[]) => signal({ kind: SignalKind.SERVICE_OUTAGE, service, regions, details: {} });
    it.each([
      ['same service and region', outage('mail', ['13']), outage('mail', ['13']), true],
      ['another service', outage('mail', ['13']), outage('web', ['13']), false],
      ['another region', outage('mail', ['13']), outage('mail', ['27']), false],
    ])('outages: %s', (_case, a, b, expected) => expect(link(a, b)).toBe(expected));
  });

  describe('across kinds, through registered ASNs', () => {
    const leakOfNtt = signal({
      kind: SignalKind.ROUTE_ANOMALY,
      orgId: 'kddi',
      regions: ['NATIONWIDE'],
      details: { originAsn: 4713, leakingAsn: 15169, asPath: [2516, 64496, 15169, 4713], prefixes: ['153.150.0.0/16'] },
    });
    it("a leak of member X's prefixes links to X's traffic drop, in another region and service", () => {
      expect(link(leakOfNtt, signal({ orgId: 'ntt', regions: ['NATIONWIDE'], details: { dropPercent: 20, peerAsn: 1 } }))).toBe(true);
    });
    it("a leak of member X's prefixes links to X's outage", () => {
      expect(link(leakOfNtt, signal({ orgId: 'ntt', kind: SignalKind.SERVICE_OUTAGE, service: 'mail', details: {} }))).toBe(true);
    });
    it("a leak of X's prefixes does not link to a drop of someone else with an unrelated peer", () => {
      expect(link(leakOfNtt, signal({ orgId: 'other', details: { dropPercent: 20, peerAsn: 1 } }))).toBe(false);
    });
    it("a traffic drop whose peer ASN is on the leak's AS path links to it", () => {
      expect(link(leakOfNtt, signal({ orgId: 'other', details: { dropPercent: 20, peerAsn: 64496 } }))).toBe(true);
    });
    it("an outage of a member whose ASN is on the leak's AS path links to it", () => {
      expect(link(leakOfNtt, signal({ orgId: 'kddi', kind: SignalKind.SERVICE_OUTAGE, service: 'enterprise-gateway', details: {} }))).toBe(true);
    });
    it('a resolver failure never links to a route anomaly', () => {
      expect(link(leakOfNtt, signal({ orgId: 'ntt', kind: SignalKind.RESOLVER_FAILURE, details: { domains: ['example.jp'] } }))).toBe(false);
    });
    it('planned work forms no incident', () => {
      expect(correlationTerms(signal({ kind: SignalKind.MAINTENANCE }), directory)).toBeNull();
    });
  });

  describe('time', () => {
    const at = (minute: number) => new Date(Date.UTC(2017, 7, 25, 3, minute));
    const margin = 15 * 60_000;
    it('widens windows by the margin', () => {
      expect(windowsMeet({ start: at(0), end: at(10) }, { windowStart: at(24), windowEnd: at(30) }, margin)).toBe(true);
      expect(windowsMeet({ start: at(0), end: at(10) }, { windowStart: at(26), windowEnd: at(30) }, margin)).toBe(false);
    });
    it('treats an open-ended signal as lasting until it was published, within the horizon', () => {
      expect(signalWindow(at(0), null, at(40))).toEqual({ start: at(0), end: at(40) });
      expect(signalWindow(at(0), at(5), at(40))).toEqual({ start: at(0), end: at(5) });
      const backfilledYearsLater = new Date(Date.UTC(2026, 10, 23));
      expect(signalWindow(at(0), null, backfilledYearsLater)).toEqual({ start: at(0), end: new Date(at(0).getTime() + 6 * 3600_000) });
    });
  });

  describe('term table', () => {
    it('writes a term as its parts joined by colons, and holds it once', () => {
      const table = new TermTable(10);
      expect(table.term('drop', '13', 'internet', 64700)).toBe('drop:13:internet:64700');
      expect(table.term('victim', 'org-a')).toBe('victim:org-a');
      expect(table.term('drop', '13', 'internet', 64700)).toBe('drop:13:internet:64700');
      expect(table.size).toBe(2);
    });

    it('starts over once it holds its capacity, as publishers may name any number of services and domains', () => {
      const table = new TermTable(2);
      table.term('outage', 'mail', '13');
      table.term('outage', 'mail', '27');
      expect(table.size).toBe(2);
      expect(table.term('outage', 'web', '13')).toBe('outage:web:13');
      expect(table.size).toBe(1);
      expect(table.term('outage', 'mail', '13')).toBe('outage:mail:13');
      expect(table.size).toBe(2);
    });
  });
});
