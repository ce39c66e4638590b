import pg from 'pg';
import { OrgKind } from '@kessetsu/schema';
import { graphql, graphqlOk } from './support/graphql-request.util.js';
import { Member, seedMembers } from './support/seed-orgs.util.js';
import { routeAnomaly, trafficDrop } from './support/signal-fixtures.util.js';
import { startTestHub, TestHub } from './support/test-hub.util.js';

const PUBLISH = `mutation($signals: [SignalInput!]!) {
  publishSignals(signals: $signals) { duplicate signal { id publisher { pseudonym } } incident { id status otherOrgCount } }
}`;
const INCIDENT = `query($id: ID!) { incident(id: $id) {
  id status crossCarrier orgCount signalCount kinds regions
  participants { pseudonym isViewerOrganization organization { id } }
  timeline { type actor fromStatus toStatus kind }
  signals { id publisher { pseudonym organization { id } } }
  plannedWork { id }
} }`;

/** Each correlation key and cross-kind link, matched and not matched, through the API. */
describe('correlation into incidents', () => {
  let hub: TestHub;
  let m: Record<'ntt' | 'kddi' | 'softbank' | 'iij' | 'isac' | 'ministry', Member>;
  let clock = Date.parse('2021-03-01T00:00:00Z');

  /** Each scenario gets its own hour so scenarios never correlate with each other. */
  const scenarioTime = () => {
    clock += 6 * 3600_000;
    return (minutes: number) => new Date(clock + minutes * 60_000).toISOString();
  };

  const publish = async (member: Member, input: Record<string, unknown>) =>
    (await graphqlOk(hub.url, PUBLISH, { signals: [input] }, { token: member.token })).publishSignals[0];

  beforeAll(async () => {
    hub = await startTestHub();
    m = await seedMembers(hub, {
      ntt: { kind: OrgKind.CARRIER, asns: [64500] },
      kddi: { kind: OrgKind.CARRIER, asns: [64501] },
      softbank: { kind: OrgKind.CARRIER, asns: [64502] },
      iij: { kind: OrgKind.CARRIER, asns: [64503] },
      isac: { kind: OrgKind.ISAC },
      ministry: { kind: OrgKind.MINISTRY },
    });
  });

  afterAll(() => hub?.close());

  const drop = (at: (minutes: number) => string, overrides: Record<string, unknown> = {}) =>
    trafficDrop({ observedStart: at(0), observedEnd: at(20), tlp: 'AMBER', regions: ['13'], service: 'internet', ...overrides });
  const route = (at: (minutes: number) => string, details: Record<string, unknown>, overrides: Record<string, unknown> = {}) =>
    routeAnomaly({
      observedStart: at(2),
      observedEnd: at(30),
      routeAnomaly: { anomalyType: 'ROUTE_LEAK', prefixes: ['192.0.2.0/24'], ...details },
      ...overrides,
    });

  it('reproduces 2017-08-25: a leak of NTT prefixes seen by KDDI joins NTT traffic-drop incident, which turns cross-carrier', async () => {
    const at = scenarioTime();
    const nttDrop = await publish(m.ntt, drop(at, { trafficDrop: { dropPercent: 20, peerAsn: 64999 } }));
    expect(nttDrop.incident).toMatchObject({ status: 'SINGLE_ORG', otherOrgCount: 0 });
    const kddiLeak = await publish(m.kddi, route(at, { originAsn: 64500, leakingAsn: 15169, asPath: [64501, 3257, 15169, 64500] }));
    expect(kddiLeak.incident).toEqual({ id: nttDrop.incident.id, status: 'CROSS_CARRIER', otherOrgCount: 1 });

    const asNtt = (await graphqlOk(hub.url, INCIDENT, { id: nttDrop.incident.id }, { token: m.ntt.token })).incident;
    expect(asNtt).toMatchObject({ status: 'CROSS_CARRIER', crossCarrier: true, orgCount: 2, signalCount: 2 });
    expect(asNtt.kinds.sort()).toEqual(['ROUTE_ANOMALY', 'TRAFFIC_DROP']);
    expect(asNtt.timeline.map((event: any) => event.type)).toEqual(['OPENED', 'ORG_JOINED', 'STATUS_CHANGED']);
    const kddiParticipant = asNtt.participants.find((p: any) => !p.isViewerOrganization);
    expect(kddiParticipant.organization).toBeNull();
    expect(JSON.stringify(asNtt)).not.toContain(m.kddi.org.id);
    const asMinistry = (await graphqlOk(hub.url, INCIDENT, { id: nttDrop.incident.id }, { token: m.ministry.token })).incident;
    expect(asMinistry.participants.map((p: any) => p.organization.id).sort()).toEqual([m.ntt.org.id, m.kddi.org.id].sort());
  });

  it('links the other way round too: a traffic drop of the leaked origin joins the earlier leak', async () => {
    const at = scenarioTime();
    const leak = await publish(m.kddi, route(at, { originAsn: 64500, leakingAsn: 64777 }));
    const nttDrop = await publish(m.ntt, drop(at, { observedStart: at(5) }));
    expect(nttDrop.incident.id).toBe(leak.incident.id);
  });

  it("joins an outage of a carrier whose network the leak crossed, as KDDI's routers were in 2017", async () => {
    const at = scenarioTime();
    const leak = await publish(m.isac, route(at, { originAsn: 64889, asPath: [64501, 64496, 64889] }));
    const kddiOutage = await publish(m.kddi, {
      sourceRef: `gw-${Math.random()}`,
      kind: 'SERVICE_OUTAGE',
      severity: 'CRITICAL',
      tlp: 'AMBER',
      observedStart: at(5),
      observedEnd: at(60),
      regions: ['NATIONWIDE'],
      service: 'enterprise-gateway',
      serviceOutage: { symptom: 'DEGRADED' },
    });
    expect(kddiOutage.incident.id).toBe(leak.incident.id);
    const unrelated = await publish(m.softbank, {
      sourceRef: `gw-${Math.random()}`,
      kind: 'SERVICE_OUTAGE',
      severity: 'CRITICAL',
      tlp: 'AMBER',
      observedStart: at(5),
      regions: ['27'],
      service: 'mail',
      serviceOutage: { symptom: 'DEGRADED' },
    });
    expect(unrelated.incident.id).not.toBe(leak.incident.id);
  });

  it('joins a traffic drop whose peer ASN is on a route anomaly path', async () => {
    const at = scenarioTime();
    const leak = await publish(m.isac, route(at, { originAsn: 64888, asPath: [64600, 64601, 64888] }));
    const drop1 = await publish(m.softbank, drop(at, { trafficDrop: { dropPercent: 35, peerAsn: 64601 } }));
    expect(drop1.incident).toEqual({ id: leak.incident.id, status: 'CROSS_CARRIER', otherOrgCount: 1 });
    const unrelated = await publish(m.iij, drop(at, { trafficDrop: { dropPercent: 35, peerAsn: 64602 }, regions: ['27'] }));
    expect(unrelated.incident.id).not.toBe(leak.incident.id);
  });

  it('matches route anomalies by overlapping prefixes, origin or leaking ASN, and not otherwise', async () => {
    const at = scenarioTime();
    const first = await publish(m.kddi, route(at, { prefixes: ['198.51.100.0/22'], originAsn: 64900 }));
    const overlapping = await publish(m.softbank, route(at, { prefixes: ['198.51.101.0/24'], originAsn: 64901 }));
    const sameOrigin = await publish(m.iij, route(at, { prefixes: ['203.0.113.0/24'], originAsn: 64900 }));
    const sameLeaker = await publish(m.isac, route(at, { prefixes: ['100.64.0.0/24'], originAsn: 64902, leakingAsn: 64950 }));
    const sameLeakerAgain = await publish(m.ntt, route(at, { prefixes: ['100.65.0.0/24'], originAsn: 64903, leakingAsn: 64950 }));
    const unrelated = await publish(m.ntt, route(at, { prefixes: ['198.18.0.0/24'], originAsn: 64904 }));
    expect(overlapping.incident.id).toBe(first.incident.id);
    expect(sameOrigin.incident.id).toBe(first.incident.id);
    expect(sameLeakerAgain.incident.id).toBe(sameLeaker.incident.id);
    expect(sameLeaker.incident.id).not.toBe(first.incident.id);
    expect(unrelated.incident.id).not.toBe(first.incident.id);
    expect(unrelated.incident.id).not.toBe(sameLeaker.incident.id);
  });

  it('matches traffic drops by region, service and peer, and not across regions at the same time', async () => {
    const at = scenarioTime();
    const tokyo = await publish(m.ntt, drop(at, { trafficDrop: { dropPercent: 20, peerAsn: 64700 } }));
    const tokyoToo = await publish(m.kddi, drop(at, { trafficDrop: { dropPercent: 15, peerAsn: 64700 } }));
    const osaka = await publish(m.softbank, drop(at, { regions: ['27'], trafficDrop: { dropPercent: 15, peerAsn: 64700 } }));
    const otherService = await publish(m.iij, drop(at, { service: 'mobile-data', trafficDrop: { dropPercent: 15, peerAsn: 64700 } }));
    expect(tokyoToo.incident).toEqual({ id: tokyo.incident.id, status: 'CROSS_CARRIER', otherOrgCount: 1 });
    expect(osaka.incident.id).not.toBe(tokyo.incident.id);
    expect(otherService.incident.id).not.toBe(tokyo.incident.id);
  });

  it('keeps every change a join makes: counts and window alone, then severity and label, then a second organisation', async () => {
    const at = scenarioTime();
    const detail = `query($id: ID!) { incident(id: $id) { signalCount firstSeen lastSeen severity tlp status orgCount updatedAt } }`;
    const read = async (id: string) => (await graphqlOk(hub.url, detail, { id }, { token: m.ntt.token })).incident;
    const peer = { trafficDrop: { dropPercent: 15, peerAsn: 64998 }, tlp: 'GREEN', severity: 'MINOR' };
    const first = await publish(m.ntt, drop(at, peer));
    const opened = await read(first.incident.id);

    // Same organisation, same label and severity, a later end: only the count and the window move.
    // The end has milliseconds, which every later read and write of the window must keep.
    const end = new Date(Date.parse(at(40)) + 123).toISOString();
    await publish(m.ntt, drop(at, { ...peer, observedStart: at(5), observedEnd: end }));
    const counted = await read(first.incident.id);
    expect(counted).toMatchObject({ signalCount: 2, firstSeen: opened.firstSeen, lastSeen: end, severity: 'MINOR', tlp: 'GREEN', orgCount: 1 });
    expect(Date.parse(counted.updatedAt)).toBeGreaterThanOrEqual(Date.parse(opened.updatedAt));

    // An earlier start, a higher severity and a stricter label in one signal.
    await publish(m.ntt, drop(at, { ...peer, observedStart: at(-10), observedEnd: at(10), severity: 'CRITICAL', tlp: 'AMBER' }));
    expect(await read(first.incident.id)).toMatchObject({ signalCount: 3, firstSeen: at(-10), lastSeen: end, severity: 'CRITICAL', tlp: 'AMBER' });

    await publish(m.softbank, drop(at, { ...peer, observedStart: at(1) }));
    expect(await read(first.incident.id)).toMatchObject({ signalCount: 4, status: 'CROSS_CARRIER', orgCount: 2, severity: 'CRITICAL', tlp: 'AMBER' });
  });

  it('forgets what a failed transaction did to incidents: its joins and the incidents it opened', async () => {
    const at = scenarioTime();
    const detail = `query($id: ID!) { incident(id: $id) { signalCount status } }`;
    const read = async (id: string) => (await graphqlOk(hub.url, detail, { id }, { token: m.ntt.token })).incident;
    const joined = { trafficDrop: { dropPercent: 15, peerAsn: 64997 } };
    const elsewhere = { regions: ['27'], trafficDrop: { dropPercent: 15, peerAsn: 64996 } };
    const first = await publish(m.ntt, drop(at, joined));
    const client = new pg.Client({ connectionString: hub.databaseUrl });
    await client.connect();
    try {
      // Postgres refuses the batch only at its last statement, after correlation has joined and opened incidents.
      await client.query(`ALTER TABLE signal ADD CONSTRAINT test_refused CHECK (source_ref <> 'refused')`);
      const failed = await graphql(
        hub.url,
        PUBLISH,
        { signals: [drop(at, { ...joined, observedStart: at(3) }), drop(at, { ...elsewhere, sourceRef: 'refused' })] },
        { token: m.kddi.token },
      );
      expect(failed.errors).toHaveLength(1);
    } finally {
      await client.query(`ALTER TABLE signal DROP CONSTRAINT IF EXISTS test_refused`);
      await client.end();
    }
    const second = await publish(m.ntt, drop(at, { ...joined, observedStart: at(4) }));
    expect(second.incident.id).toBe(first.incident.id);
    expect(await read(first.incident.id)).toEqual({ signalCount: 2, status: 'SINGLE_ORG' });
    const opened = await publish(m.ntt, drop(at, elsewhere));
    expect(await read(opened.incident.id)).toEqual({ signalCount: 1, status: 'SINGLE_ORG' });
  });

  it('matches resolver failures by region and a shared domain', async () => {
    const at = scenarioTime();
    const resolver = (domains: string[], regions = ['40']) => ({
      sourceRef: `dns-${Math.random()}`,
      kind: 'RESOLVER_FAILURE',
      severity: 'MAJOR',
      tlp: 'GREEN',
      observedStart: at(0),
      observedEnd: at(10),
      regions,
      service: 'dns',
      resolverFailure: { resolverRole: 'RECURSIVE', failureMode: 'TIMEOUT', failureRate: 40, domains },
    });
    const first = await publish(m.ntt, resolver(['example.jp', 'example.com']));
    const shared = await publish(m.kddi, resolver(['EXAMPLE.com.']));
    const otherDomain = await publish(m.iij, resolver(['example.org']));
    const otherRegion = await publish(m.softbank, resolver(['example.jp'], ['01']));
    expect(shared.incident.id).toBe(first.incident.id);
    expect(otherDomain.incident.id).not.toBe(first.incident.id);
    expect(otherRegion.incident.id).not.toBe(first.incident.id);
  });

  it('matches outages by service and region, within the time margin only', async () => {
    const at = scenarioTime();
    const outage = (start: number, region = '13', service = 'mail') => ({
      sourceRef: `outage-${Math.random()}`,
      kind: 'SERVICE_OUTAGE',
      severity: 'MAJOR',
      tlp: 'GREEN',
      observedStart: at(start),
      observedEnd: at(start + 10),
      regions: [region],
      service,
      serviceOutage: { symptom: 'UNREACHABLE' },
    });
    const first = await publish(m.ntt, outage(0));
    const withinMargin = await publish(m.kddi, outage(20));
    const tooLate = await publish(m.softbank, outage(120));
    const otherService = await publish(m.iij, outage(0, '13', 'web'));
    expect(withinMargin.incident.id).toBe(first.incident.id);
    expect(tooLate.incident.id).not.toBe(first.incident.id);
    expect(otherService.incident.id).not.toBe(first.incident.id);
  });

  it('shows my own planned work next to an incident that overlaps it in time and region', async () => {
    const at = scenarioTime();
    const maintenance = {
      sourceRef: `mnt-${Math.random()}`,
      kind: 'MAINTENANCE',
      severity: 'INFO',
      tlp: 'AMBER_STRICT',
      observedStart: at(-30),
      regions: ['13'],
      service: 'internet',
      maintenance: { plannedStart: at(-30), plannedEnd: at(30), description: 'ACL change on resolver-facing routers' },
    };
    const planned = await publish(m.ntt, maintenance);
    expect(planned.incident).toBeNull();
    const elsewhere = await publish(m.ntt, { ...maintenance, sourceRef: `mnt-${Math.random()}`, regions: ['01'] });
    const later = await publish(m.ntt, {
      ...maintenance,
      sourceRef: `mnt-${Math.random()}`,
      maintenance: { plannedStart: at(300), plannedEnd: at(360) },
    });
    const symptom = await publish(m.ntt, drop(at, { trafficDrop: { dropPercent: 50, peerAsn: 64711 } }));
    const mine = (await graphqlOk(hub.url, INCIDENT, { id: symptom.incident.id }, { token: m.ntt.token })).incident;
    expect(mine.plannedWork.map((signal: any) => signal.id)).toEqual([planned.signal.id]);
    expect([elsewhere.signal.id, later.signal.id]).not.toContain(mine.plannedWork[0].id);
    await publish(m.kddi, drop(at, { trafficDrop: { dropPercent: 50, peerAsn: 64711 } }));
    const theirs = (await graphqlOk(hub.url, INCIDENT, { id: symptom.incident.id }, { token: m.kddi.token })).incident;
    expect(theirs.plannedWork).toEqual([]);
  });

  it('names each organisation by one pseudonym inside an incident and by another in the next', async () => {
    const first = scenarioTime();
    const a1 = await publish(m.ntt, drop(first, { trafficDrop: { dropPercent: 10, peerAsn: 64720 } }));
    const b1 = await publish(m.kddi, drop(first, { trafficDrop: { dropPercent: 10, peerAsn: 64720 } }));
    const a2 = await publish(m.ntt, drop(first, { observedStart: first(1), trafficDrop: { dropPercent: 12, peerAsn: 64720 } }));
    const second = scenarioTime();
    const a3 = await publish(m.ntt, drop(second, { trafficDrop: { dropPercent: 10, peerAsn: 64720 } }));
    const view = async (id: string) => (await graphqlOk(hub.url, INCIDENT, { id }, { token: m.softbank.token })).incident;
    const one = await view(a1.incident.id);
    const two = await view(a3.incident.id);
    const nttInOne = one.signals.filter((s: any) => [a1.signal.id, a2.signal.id].includes(s.id)).map((s: any) => s.publisher.pseudonym);
    expect(new Set(nttInOne).size).toBe(1);
    expect(one.participants.map((p: any) => p.pseudonym).sort()).toEqual(
      [nttInOne[0], one.signals.find((s: any) => s.id === b1.signal.id).publisher.pseudonym].sort(),
    );
    expect(two.signals[0].publisher.pseudonym).not.toBe(nttInOne[0]);
    expect(one.orgCount).toBe(2);
  });
});
