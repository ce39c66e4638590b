import pg from 'pg';
import { OrgKind, UserRole } from '@kessetsu/schema';
import { graphql, graphqlOk } from './support/graphql-request.util.js';
import { Member, seedMembers } from './support/seed-orgs.util.js';
import { FEED, PUBLISH, trafficDrop } from './support/signal-fixtures.util.js';
import { subscribe } from './support/ws-client.util.js';
import { startTestHub, TestHub } from './support/test-hub.util.js';

const AUDIT = `query($action: String) { auditEvents(first: 100, action: $action) {
  edges { node { action actorOrgId actorUserId actorApiKeyId targetType targetIds details } }
} }`;

describe('append-only audit log', () => {
  let hub: TestHub;
  let m: Record<'carrier' | 'ministry' | 'recipient', Member>;

  beforeAll(async () => {
    hub = await startTestHub();
    m = await seedMembers(hub, {
      carrier: { kind: OrgKind.CARRIER, role: UserRole.ADMIN },
      recipient: { kind: OrgKind.CARRIER },
      ministry: { kind: OrgKind.MINISTRY, role: UserRole.ADMIN },
    });
  });

  afterAll(() => hub?.close());

  const events = async (action: string) =>
    (await graphqlOk(hub.url, AUDIT, { action }, { token: m.ministry.token })).auditEvents.edges.map((edge: any) => edge.node);

  it('records who published, and who outside the publisher read AMBER_STRICT and RED records', async () => {
    const published = await graphqlOk(
      hub.url,
      PUBLISH,
      { signals: [trafficDrop({ tlp: 'AMBER_STRICT' }), trafficDrop({ tlp: 'RED', recipientOrgIds: [m.recipient.org.id] }), trafficDrop({ tlp: 'GREEN' })] },
      { token: m.carrier.token },
    );
    const [strict, red, green] = published.publishSignals.map((result: any) => result.signal.id);
    expect(await events('SIGNALS_PUBLISHED')).toEqual([
      expect.objectContaining({ actorOrgId: m.carrier.org.id, targetIds: [strict, red, green], details: '{"count":3}' }),
    ]);

    const list = `{ signals(first: 50) { edges { node { id } } } }`;
    await graphqlOk(hub.url, list, {}, { token: m.carrier.token });
    await graphqlOk(hub.url, list, {}, { token: m.recipient.token });
    await graphqlOk(hub.url, list, {}, { token: m.ministry.token });
    const reads = await events('RESTRICTED_READ');
    expect(reads).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actorOrgId: m.recipient.org.id, targetIds: [red] }),
        expect.objectContaining({ actorOrgId: m.ministry.org.id, targetIds: [strict, red] }),
      ]),
    );
    expect(reads.some((event: any) => event.actorOrgId === m.carrier.org.id)).toBe(false);
  });

  it('records AMBER_STRICT and RED signals delivered on the live feed to other organisations', async () => {
    const feed = await subscribe(hub.wsUrl, { token: m.ministry.token }, FEED);
    const published = await graphqlOk(hub.url, PUBLISH, { signals: [trafficDrop({ tlp: 'AMBER_STRICT' })] }, { token: m.carrier.token });
    const id = published.publishSignals[0].signal.id;
    await feed.waitFor(1);
    await feed.dispose();
    for (let waited = 0; waited < 5000; waited += 100) {
      if ((await events('RESTRICTED_READ')).some((event: any) => event.targetIds.includes(id))) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('live delivery of an AMBER_STRICT signal was not audited');
  });

  it('records AMBER_STRICT incidents delivered on the live incident feed, once per subscriber', async () => {
    const updates = `subscription { incidentUpdated { incident { id signals { id } } } }`;
    const feeds = [await subscribe(hub.wsUrl, { token: m.ministry.token }, updates), await subscribe(hub.wsUrl, { token: m.ministry.token }, updates)];
    const published = await graphqlOk(hub.url, PUBLISH, { signals: [trafficDrop({ tlp: 'AMBER_STRICT', regions: ['44'] })] }, { token: m.carrier.token });
    const signalId = published.publishSignals[0].signal.id;
    const incidentOf = (events: any[]) =>
      events.find((event) => event.incidentUpdated.incident.signals.some((s: any) => s.id === signalId))?.incidentUpdated.incident.id;
    for (let waited = 0; waited < 5000 && !feeds.every((feed) => incidentOf(feed.events)); waited += 100) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const incidentId = incidentOf(feeds[0].events);
    expect(incidentId).toBeDefined();
    expect(incidentOf(feeds[1].events)).toBe(incidentId);
    await Promise.all(feeds.map((feed) => feed.dispose()));
    for (let waited = 0; waited < 5000; waited += 100) {
      const audited = (await events('RESTRICTED_READ')).filter((event: any) => event.targetType === 'incident' && event.targetIds.includes(incidentId));
      if (audited.length >= 2) {
        expect(audited.every((event: any) => event.actorOrgId === m.ministry.org.id)).toBe(true);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('live deliveries of an AMBER_STRICT incident were not audited per subscriber');
  });

  it('records restricted advisories and incidents shown to organisations outside them', async () => {
    const advisory = await graphqlOk(
      hub.url,
      `mutation($i: PublishAdvisoryInput!) { publishAdvisory(input: $i) { id } }`,
      { i: { title: 'Red advisory', body: 'For one carrier only.', tlp: 'RED', recipientOrgIds: [m.recipient.org.id] } },
      { token: m.ministry.token },
    );
    await graphqlOk(hub.url, `{ advisories { edges { node { id } } } }`, {}, { token: m.recipient.token });
    const published = await graphqlOk(hub.url, PUBLISH, { signals: [trafficDrop({ tlp: 'AMBER_STRICT', regions: ['30'] })] }, { token: m.carrier.token });
    const incidents = await graphqlOk(hub.url, `{ incidents(first: 50) { edges { node { id signals { id } } } } }`, {}, { token: m.ministry.token });
    const incident = incidents.incidents.edges.find((edge: any) => edge.node.signals.some((s: any) => s.id === published.publishSignals[0].signal.id)).node.id;
    const reads = await events('RESTRICTED_READ');
    expect(reads).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ actorOrgId: m.recipient.org.id, targetType: 'advisory', targetIds: [advisory.publishAdvisory.id] }),
        expect.objectContaining({ actorOrgId: m.ministry.org.id, targetType: 'incident', targetIds: expect.arrayContaining([incident]) }),
      ]),
    );
  });

  it('records key creation and revocation, and only the ministry may read the log', async () => {
    const created = await graphqlOk(
      hub.url,
      `mutation { createApiKey(input: { name: "ingest", scopes: ["signals:publish"] }) { apiKey { id } } }`,
      {},
      { token: m.carrier.token },
    );
    const id = created.createApiKey.apiKey.id;
    await graphqlOk(hub.url, `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id }, { token: m.carrier.token });
    expect((await events('API_KEY_CREATED')).map((event: any) => event.targetIds)).toContainEqual([id]);
    expect((await events('API_KEY_REVOKED')).map((event: any) => event.targetIds)).toContainEqual([id]);
    const refused = await graphql(hub.url, AUDIT, {}, { token: m.carrier.token });
    expect(refused.errors![0].extensions!.code).toBe('FORBIDDEN');
  });

  it('refuses to change or delete audit entries, even for the database owner', async () => {
    const client = new pg.Client({ connectionString: hub.databaseUrl });
    await client.connect();
    try {
      await expect(client.query(`UPDATE audit_event SET action = 'NOTHING'`)).rejects.toThrow(/append-only/);
      await expect(client.query(`DELETE FROM audit_event`)).rejects.toThrow(/append-only/);
      await expect(client.query(`TRUNCATE audit_event`)).rejects.toThrow(/append-only/);
    } finally {
      await client.end();
    }
  });
});
