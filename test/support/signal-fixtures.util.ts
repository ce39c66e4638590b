import { randomUUID } from 'node:crypto';

/** A valid SignalInput of each kind; override any field. */
export function trafficDrop(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sourceRef: `ref-${randomUUID()}`,
    kind: 'TRAFFIC_DROP',
    severity: 'MAJOR',
    tlp: 'GREEN',
    observedStart: '2017-08-25T03:22:00Z',
    observedEnd: '2017-08-25T03:45:00Z',
    regions: ['13'],
    service: 'internet',
    text: 'Traffic with connected ISPs fell ~20%. Call 03-1234-5678 or noc@example.jp; probe 198.51.100.7 saw it.',
    trafficDrop: { dropPercent: 20, peerAsn: 2516 },
    ...overrides,
  };
}

export function routeAnomaly(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    sourceRef: `ref-${randomUUID()}`,
    kind: 'ROUTE_ANOMALY',
    severity: 'CRITICAL',
    tlp: 'AMBER',
    observedStart: '2017-08-25T03:24:00Z',
    regions: ['NATIONWIDE'],
    service: 'internet',
    routeAnomaly: {
      anomalyType: 'ROUTE_LEAK',
      prefixes: ['203.0.113.0/24', '198.51.100.0/24'],
      originAsn: 4713,
      leakingAsn: 15169,
      asPath: [2516, 3257, 15169, 4713],
      prefixCount: 107000,
    },
    ...overrides,
  };
}

export const SIGNAL_FIELDS = `id kind severity tlp observedStart observedEnd regions service text sourceRef
  publisher { pseudonym organization { id name } }
  recipientOrganizations { id }
  details { __typename ... on TrafficDropDetails { dropPercent peerAsn } ... on RouteAnomalyDetails { anomalyType prefixes prefixCount originAsn } }`;

export const PUBLISH = `mutation Publish($signals: [SignalInput!]!) {
  publishSignals(signals: $signals) { index duplicate signal { ${SIGNAL_FIELDS} } }
}`;

export const FEED = `subscription Feed($filter: SignalFilter, $after: String) {
  signalPublished(filter: $filter, after: $after) { cursor signal { ${SIGNAL_FIELDS} } }
}`;

export const LIST = `query List($filter: SignalFilter, $first: Int, $after: String, $last: Int, $before: String) {
  signals(filter: $filter, first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { ${SIGNAL_FIELDS} } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;
