/**
 * 2017-08-25, from the MIC accident verification report (seeds/004): Google's
 * misconfiguration leaked more-specific routes at 12:22 JST; KDDI accepted them from
 * an overseas transit and its routers were unstable 12:24-16:47; NTT Com saw ~20% of
 * its traffic with connected ISPs vanish 12:22-12:45 with nothing wrong in its own
 * network; an enterprise gateway customer (a securities firm) could not serve its
 * users 12:24-15:49. Offsets are minutes after 12:22 JST.
 */
export const LEAK_START_JST = '2017-08-25T12:22:00+09:00';

/** Documentation ASN (RFC 5398) for the overseas transit, which the report does not name. */
const OVERSEAS_TRANSIT = 64496;
const GOOGLE = 15169;
const NTT_COM = 4713;
const KDDI = 2516;

export type ReplayActor = 'ntt' | 'kddi' | 'isac' | 'ministry';

export interface ReplayStep {
  /** Minutes after 12:22 JST when the actor publishes. */
  at: number;
  actor: ReplayActor;
  signal?: Record<string, unknown> & { ref: string; observedFrom: number; observedUntil?: number };
  advisory?: { title: string; body: string };
}

export const TIMELINE_2017: ReplayStep[] = [
  {
    at: 1,
    actor: 'ntt',
    signal: {
      ref: 'ntt-ocn-traffic-drop',
      observedFrom: 0,
      kind: 'TRAFFIC_DROP',
      severity: 'MAJOR',
      tlp: 'AMBER',
      regions: ['NATIONWIDE'],
      service: 'internet',
      text: 'OCN: traffic with connected ISPs fell ~20% at 12:22. No fault in our equipment. Customer calls surging.',
      trafficDrop: { dropPercent: 20, peerAsn: KDDI, affectedUsers: 2_000_000 },
    },
  },
  {
    at: 2,
    actor: 'kddi',
    signal: {
      ref: 'kddi-bgp-more-specifics',
      observedFrom: 2,
      kind: 'ROUTE_ANOMALY',
      severity: 'CRITICAL',
      tlp: 'AMBER',
      regions: ['NATIONWIDE', 'INTERNATIONAL'],
      service: 'internet',
      text: 'Burst of more-specific routes from an overseas transit; origin AS4713 prefixes via AS15169. Routers under load.',
      routeAnomaly: {
        anomalyType: 'ROUTE_LEAK',
        prefixes: ['153.128.0.0/10', '153.150.0.0/16', '153.151.0.0/16', '122.16.0.0/13', '180.0.0.0/10'],
        originAsn: NTT_COM,
        leakingAsn: GOOGLE,
        asPath: [KDDI, OVERSEAS_TRANSIT, GOOGLE, NTT_COM],
        prefixCount: 160_000,
      },
    },
  },
  {
    at: 3,
    actor: 'isac',
    signal: {
      ref: 'isac-route-monitor-prefix-mismatch',
      observedFrom: 1,
      kind: 'ROUTE_ANOMALY',
      severity: 'MAJOR',
      tlp: 'GREEN',
      regions: ['NATIONWIDE'],
      service: 'internet',
      text: 'Route monitor: origin AS matches the registry but the prefixes do not (more-specifics). Leak suspected.',
      routeAnomaly: { anomalyType: 'MORE_SPECIFIC', prefixes: ['153.150.0.0/16'], originAsn: NTT_COM, leakingAsn: GOOGLE, prefixCount: 160_000 },
    },
  },
  {
    at: 28,
    actor: 'kddi',
    signal: {
      ref: 'kddi-enterprise-gateway-unstable',
      observedFrom: 2,
      observedUntil: 265,
      kind: 'SERVICE_OUTAGE',
      severity: 'CRITICAL',
      tlp: 'AMBER',
      regions: ['NATIONWIDE'],
      service: 'enterprise-gateway',
      text: 'High-load alarm 12:50. Enterprise gateway customers (incl. a securities firm) report users cannot reach them.',
      serviceOutage: { symptom: 'DEGRADED', affectedUsers: 50_000 },
    },
  },
  {
    at: 30,
    actor: 'ministry',
    advisory: {
      title: 'Route leak of AS4713 more-specifics via AS15169 (2017-08-25)',
      body: 'Several carriers report one event: a leak of ~160,000 more-specific routes. Check prefix, AS-path and max-prefix filters on transit sessions; notify users early even before the cause is confirmed.',
    },
  },
  {
    at: 33,
    actor: 'ntt',
    signal: {
      ref: 'ntt-ocn-traffic-recovered',
      observedFrom: 0,
      observedUntil: 23,
      kind: 'TRAFFIC_DROP',
      severity: 'MINOR',
      tlp: 'AMBER',
      regions: ['NATIONWIDE'],
      service: 'internet',
      text: 'OCN traffic back to normal at 12:45.',
      trafficDrop: { dropPercent: 20, peerAsn: KDDI },
    },
  },
];
