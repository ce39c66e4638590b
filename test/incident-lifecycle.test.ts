import { DataSource } from 'typeorm';
import { OrgKind, UserRole } from '@kessetsu/schema';
import { IncidentLifecycleService } from '../apps/hub/src/incidents/incident-lifecycle.service.js';
import { graphql, graphqlOk } from './support/graphql-request.util.js';
import { Member, seedMembers } from './support/seed-orgs.util.js';
import { trafficDrop } from './support/signal-fixtures.util.js';
import { startTestHub, TestHub } from './support/test-hub.util.js';
import { subscribe } from './support/ws-client.util.js';

const PUBLISH = `mutation($signals: [SignalInput!]!) { publishSignals(signals: $signals) { incident { id status otherOrgCount } } }`;
const INCIDENT = `query($id: ID!) { incident(id: $id) { id status title note severity tlp resolvedAt timeline { type fromStatus toStatus actor description } } }`;
const CURATE = `mutation($id: ID!, $input: CurateIncidentInput!) { curateIncident(id: $id, input: $input) { id status title tlp severity } }`;
const UPDATES = `subscription($filter: IncidentFilter, $after: String) {
  incidentUpdated(filter: $filter, after: $after) { cursor incident { id status orgCount signalCount } }
}`;

describe('incident lifecycle, curation and the incident feed', () => {
  let hub: TestHub;
  let m: Record<'ntt' | 'kddi' | 'softbank' | 'ministry' | 'ministryViewer' | 'isac', Member>;
  let minute = 0;
  const at = (offset: number) => new Date(Date.parse('2022-05-01T00:00:00Z') + (minute + offset) * 60_000).toISOString();
  const nextScenario = () => (minute += 600);

  const publish = async (member: Member, overrides: Record<string, unknown>) =>
    (await graphqlOk(hub.url, PUBLISH, { signals: [trafficDrop({ observedStart: at(0), observedEnd: at(10), ...overrides })] }, { token: member.token }))
      .publishSignals[0].incident;

  const openKeys = async (incidentId: string): Promise<{ total: number; open: number }> =>
    (
      await hub.app
        .get(DataSource)
        .query(`SELECT count(*)::int AS total, count(*) FILTER (WHERE open)::int AS open FROM incident_key WHERE incident_id = $1`, [incidentId])
    )[0];

  beforeAll(async () => {
    // Sweeps and feed polls only when a test asks: the feeds here run on commit notices alone.
    hub = await startTestHub({ HUB_INCIDENT_QUIET_SECONDS: '1', HUB_INCIDENT_SWEEP_MS: '3600000', HUB_FEED_POLL_MS: '60000' });
    m = await seedMembers(hub, {
      ntt: { kind: OrgKind.CARRIER },
      kddi: { kind: OrgKind.CARRIER },
      softbank: { kind: OrgKind.CARRIER },
      ministry: { kind: OrgKind.MINISTRY },
      ministryViewer: { kind: OrgKind.MINISTRY, sameOrgAs: 'ministry', role: UserRole.VIEWER },
      isac: { kind: OrgKind.ISAC },
    });
  });

  afterAll(() => hub?.close());

  it('goes SINGLE_ORG -> CROSS_CARRIER -> RESOLVED once its signals ended and it was quiet', async () => {
    nextScenario();
    const first = await publish(m.ntt, { trafficDrop: { dropPercent: 20, peerAsn: 65001 } });
    expect(first.status).toBe('SINGLE_ORG');
    const second = await publish(m.kddi, { trafficDrop: { dropPercent: 20, peerAsn: 65001 } });
    expect(second).toEqual({ id: first.id, status: 'CROSS_CARRIER', otherOrgCount: 1 });
    const ongoing = await publish(m.softbank, { observedEnd: null, trafficDrop: { dropPercent: 5, peerAsn: 65001 } });
    expect(ongoing.id).toBe(first.id);

    await new Promise((resolve) => setTimeout(resolve, 1500));
    const sweeper = hub.app.get(IncidentLifecycleService);
    expect(await sweeper.resolveQuietIncidents()).not.toContain(first.id);

    nextScenario();
    const ended = await publish(m.ntt, { trafficDrop: { dropPercent: 20, peerAsn: 65002 } });
    await publish(m.kddi, { trafficDrop: { dropPercent: 20, peerAsn: 65002 } });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await sweeper.resolveQuietIncidents()).toContain(ended.id);
    const view = (await graphqlOk(hub.url, INCIDENT, { id: ended.id }, { token: m.ntt.token })).incident;
    expect(view.status).toBe('RESOLVED');
    expect(view.timeline.map((event: any) => [event.type, event.toStatus])).toEqual([
      ['OPENED', null],
      ['ORG_JOINED', null],
      ['STATUS_CHANGED', 'CROSS_CARRIER'],
      ['STATUS_CHANGED', 'RESOLVED'],
    ]);
    const after = await publish(m.softbank, { trafficDrop: { dropPercent: 20, peerAsn: 65002 } });
    expect(after.id).not.toBe(ended.id);
    // Its correlation keys are no longer searched: probes cost what is open, not the history.
    expect(await openKeys(ended.id)).toEqual({ total: 3, open: 0 });
  });

  it('draws no signal while closed by the ministry, and draws them again once reopened', async () => {
    nextScenario();
    const closedOne = await publish(m.ntt, { trafficDrop: { dropPercent: 25, peerAsn: 65030 } });
    await graphqlOk(hub.url, CURATE, { id: closedOne.id, input: { status: 'RESOLVED' } }, { token: m.ministry.token });
    expect(await openKeys(closedOne.id)).toEqual({ total: 2, open: 0 });
    const whileClosed = await publish(m.kddi, { trafficDrop: { dropPercent: 25, peerAsn: 65030 } });
    expect(whileClosed.id).not.toBe(closedOne.id);
    await graphqlOk(hub.url, CURATE, { id: whileClosed.id, input: { status: 'RESOLVED' } }, { token: m.ministry.token });
    const reopened = await graphqlOk(hub.url, CURATE, { id: closedOne.id, input: { status: 'SINGLE_ORG' } }, { token: m.ministry.token });
    expect(reopened.curateIncident.status).toBe('SINGLE_ORG');
    expect(await openKeys(closedOne.id)).toEqual({ total: 2, open: 2 });
    const joined = await publish(m.softbank, { trafficDrop: { dropPercent: 25, peerAsn: 65030 } });
    expect(joined).toEqual({ id: closedOne.id, status: 'CROSS_CARRIER', otherOrgCount: 1 });
  });

  it('lets the ministry curate, audits each change, and refuses everyone else', async () => {
    nextScenario();
    const incident = await publish(m.ntt, { tlp: 'AMBER', trafficDrop: { dropPercent: 30, peerAsn: 65003 } });
    const input = { title: 'Route leak affecting NTT prefixes', severity: 'CRITICAL', note: 'Confirmed with ISAC', tlp: 'GREEN' };
    for (const member of [m.ntt, m.isac, m.ministryViewer]) {
      const refused = await graphql(hub.url, CURATE, { id: incident.id, input }, { token: member.token });
      expect(refused.errors![0].extensions!.code).toBe('FORBIDDEN');
    }
    const curated = await graphqlOk(hub.url, CURATE, { id: incident.id, input }, { token: m.ministry.token });
    expect(curated.curateIncident).toMatchObject({ title: input.title, severity: 'CRITICAL', tlp: 'GREEN' });
    const view = (await graphqlOk(hub.url, INCIDENT, { id: incident.id }, { token: m.ministry.token })).incident;
    const audit = view.timeline.filter((event: any) => event.type === 'CURATED').map((event: any) => event.description);
    expect(audit).toEqual(
      expect.arrayContaining([
        'title: (none) -> "Route leak affecting NTT prefixes"',
        'severity: "MAJOR" -> "CRITICAL"',
        'note: (none) -> "Confirmed with ISAC"',
        'tlp: "AMBER" -> "GREEN"',
      ]),
    );
    const partnerSees = await graphqlOk(hub.url, INCIDENT, { id: incident.id }, { token: m.isac.token });
    expect(partnerSees.incident.title).toBe(input.title);

    const closed = await graphqlOk(hub.url, CURATE, { id: incident.id, input: { status: 'RESOLVED' } }, { token: m.ministry.token });
    expect(closed.curateIncident.status).toBe('RESOLVED');
    const wrongReopen = await graphql(hub.url, CURATE, { id: incident.id, input: { status: 'CROSS_CARRIER' } }, { token: m.ministry.token });
    expect(wrongReopen.errors![0].extensions!.fieldErrors[0].field).toBe('status');
    const missing = await graphql(hub.url, CURATE, { id: '01a20742-0000-7000-8000-000000000000', input }, { token: m.ministry.token });
    expect(missing.errors![0].extensions!.code).toBe('NOT_FOUND');
  });

  it('keeps an AMBER_STRICT incident from other carriers but shows it to its participants and the ministry', async () => {
    nextScenario();
    const incident = await publish(m.ntt, { tlp: 'AMBER_STRICT', trafficDrop: { dropPercent: 30, peerAsn: 65004 } });
    const other = await graphqlOk(hub.url, INCIDENT, { id: incident.id }, { token: m.softbank.token });
    expect(other.incident).toBeNull();
    const ministry = await graphqlOk(hub.url, INCIDENT, { id: incident.id }, { token: m.ministry.token });
    expect(ministry.incident.id).toBe(incident.id);
    const joined = await publish(m.kddi, { tlp: 'GREEN', trafficDrop: { dropPercent: 30, peerAsn: 65004 } });
    expect(joined.otherOrgCount).toBe(1);
    const participant = await graphqlOk(hub.url, INCIDENT, { id: incident.id }, { token: m.kddi.token });
    expect(participant.incident.id).toBe(incident.id);
  });

  it('follows commits nobody watches from their notices, not a query each, and a later subscriber starts after them', async () => {
    nextScenario();
    const dataSource = hub.app.get(DataSource);
    const query = dataSource.query;
    const sent: string[] = [];
    dataSource.query = ((sql: string, parameters?: unknown[]) => {
      sent.push(sql);
      return query.call(dataSource, sql, parameters);
    }) as DataSource['query'];
    try {
      const unwatched: string[] = [];
      for (const peerAsn of [65040, 65041, 65042, 65043, 65044]) unwatched.push((await publish(m.ntt, { trafficDrop: { dropPercent: 30, peerAsn } })).id);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(sent.filter((sql) => sql.includes('MAX(revision)'))).toEqual([]);

      const feed = await subscribe(hub.wsUrl, { token: m.ministry.token }, UPDATES, { filter: { kinds: ['TRAFFIC_DROP'] } });
      const watched = await publish(m.softbank, { trafficDrop: { dropPercent: 30, peerAsn: 65045 } });
      const [update] = await feed.waitFor(1);
      expect(update.incidentUpdated.incident.id).toBe(watched.id);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(feed.events.map((event) => event.incidentUpdated.incident.id).filter((id) => unwatched.includes(id))).toEqual([]);
      await feed.dispose();
    } finally {
      dataSource.query = query;
    }
  });

  it('sends the turn to CROSS_CARRIER at once, inside the coalescing window', async () => {
    nextScenario();
    const feed = await subscribe(hub.wsUrl, { token: m.isac.token }, UPDATES, { filter: { kinds: ['TRAFFIC_DROP'] } });
    const first = await publish(m.ntt, { trafficDrop: { dropPercent: 30, peerAsn: 65020 } });
    await feed.waitFor(1);
    await publish(m.kddi, { trafficDrop: { dropPercent: 30, peerAsn: 65020 } });
    const joinedAt = Date.now();
    const [, crossCarrier] = await feed.waitFor(2, 800);
    expect(Date.now() - joinedAt).toBeLessThan(800);
    expect(crossCarrier.incidentUpdated.incident).toMatchObject({ id: first.id, status: 'CROSS_CARRIER', orgCount: 2 });
    await feed.dispose();
  });

  it('coalesces a burst into at most one update per incident per second, and resumes from its cursor', async () => {
    nextScenario();
    const feed = await subscribe(hub.wsUrl, { token: m.softbank.token }, UPDATES, { filter: { kinds: ['TRAFFIC_DROP'] } });
    const started = Date.now();
    const batch = (peerAsn: number, n: number) =>
      Array.from({ length: n }, () => trafficDrop({ observedStart: at(0), observedEnd: at(10), trafficDrop: { dropPercent: 10, peerAsn } }));
    for (let i = 0; i < 20; i += 1) {
      await graphqlOk(hub.url, PUBLISH, { signals: batch(65010, 50) }, { token: (i % 2 ? m.ntt : m.kddi).token });
    }
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const seconds = Math.ceil((Date.now() - started) / 1000) + 1;
    const updates = feed.events.map((event) => event.incidentUpdated);
    expect(updates.length).toBeGreaterThan(0);
    expect(updates.length).toBeLessThanOrEqual(seconds);
    const last = updates.at(-1);
    expect(last.incident).toMatchObject({ status: 'CROSS_CARRIER', orgCount: 2, signalCount: 1000 });
    await feed.dispose();

    await publish(m.ntt, { trafficDrop: { dropPercent: 10, peerAsn: 65010 } });
    const resumed = await subscribe(hub.wsUrl, { token: m.softbank.token }, UPDATES, { filter: { kinds: ['TRAFFIC_DROP'] }, after: last.cursor });
    const [replayed] = await resumed.waitFor(1);
    expect(replayed.incidentUpdated.incident).toMatchObject({ id: last.incident.id, signalCount: 1001 });
    await resumed.dispose();
  });
});
