import pg from 'pg';
import { ApiKeyScope, OrgKind, UserRole } from '@kessetsu/schema';
import { ApiKeysService } from '../apps/hub/src/api-keys/api-keys.service.js';
import { graphql, graphqlOk } from './support/graphql-request.util.js';
import { Member, seedMembers } from './support/seed-orgs.util.js';
import { LIST, PUBLISH, routeAnomaly, trafficDrop } from './support/signal-fixtures.util.js';
import { startTestHub, TestHub } from './support/test-hub.util.js';

describe('publishSignals', () => {
  let hub: TestHub;
  let members: Record<'noc' | 'viewer' | 'other', Member>;
  let db: pg.Client;

  const countSignals = async (orgId: string) =>
    Number((await db.query('SELECT count(*) FROM signal WHERE org_id = $1', [orgId])).rows[0].count);

  beforeAll(async () => {
    hub = await startTestHub();
    members = await seedMembers(hub, {
      noc: { kind: OrgKind.CARRIER },
      viewer: { kind: OrgKind.CARRIER, role: UserRole.VIEWER },
      other: { kind: OrgKind.CARRIER },
    });
    db = new pg.Client({ connectionString: hub.databaseUrl });
    await db.connect();
  });

  afterAll(async () => {
    await db?.end();
    await hub?.close();
  });

  it('acknowledges a batch of 1,000 only once all of it is committed', async () => {
    const batch = Array.from({ length: 1000 }, (_, i) =>
      i % 2 === 0 ? trafficDrop({ regions: [String((i % 47) + 1).padStart(2, '0')] }) : routeAnomaly(),
    );
    const data = await graphqlOk(hub.url, PUBLISH, { signals: batch }, { token: members.noc.token });
    expect(data.publishSignals).toHaveLength(1000);
    expect(data.publishSignals.map((result: any) => result.index)).toEqual(batch.map((_, i) => i));
    expect(data.publishSignals.every((result: any) => result.duplicate === false)).toBe(true);
    const ids = data.publishSignals.map((result: any) => result.signal.id);
    const stored = await db.query('SELECT id FROM signal WHERE id = ANY($1::uuid[])', [ids]);
    expect(stored.rowCount).toBe(1000);
  });

  it('stores the texts of a batch large enough to be copied in exactly as sent', async () => {
    const awkward = ['tab\there', 'line\nbreak\r\nend', 'back\\slash \\N', 'quote " and \'single\'', '{braces}, commas', '東京 NOC', 'NULL'];
    const batch = Array.from({ length: 300 }, (_, i) =>
      trafficDrop({
        sourceRef: `copy\\"{${i},}'`,
        text: `${awkward[i % awkward.length]} #${i}`,
        regions: [String((i % 47) + 1).padStart(2, '0'), 'NATIONWIDE'],
      }),
    );
    const data = await graphqlOk(hub.url, PUBLISH, { signals: batch }, { token: members.noc.token });
    const ids = data.publishSignals.map((result: any) => result.signal.id);
    const stored = await db.query('SELECT id, source_ref, text_raw, regions FROM signal WHERE id = ANY($1::uuid[])', [ids]);
    const byId = new Map(stored.rows.map((row) => [row.id, row]));
    expect(ids.map((id: string) => byId.get(id))).toEqual(
      batch.map((signal) => expect.objectContaining({ source_ref: signal.sourceRef, text_raw: signal.text, regions: signal.regions })),
    );
  });

  it('stores concurrent publishes sharing one transaction exactly once each, first sender wins a shared sourceRef', async () => {
    const before = await countSignals(members.noc.org.id);
    const otherBefore = await countSignals(members.other.org.id);
    const shared = trafficDrop({ sourceRef: 'noc-concurrent-shared' });
    const requests = [
      ...Array.from({ length: 6 }, () => ({ token: members.noc.token, signal: shared })),
      ...Array.from({ length: 20 }, (_, i) => ({ token: members.noc.token, signal: trafficDrop({ sourceRef: `noc-concurrent-${i}` }) })),
      { token: members.other.token, signal: trafficDrop({ sourceRef: 'noc-concurrent-shared' }) },
    ];
    const answers = await Promise.all(
      requests.map(({ token, signal }) => graphqlOk(hub.url, PUBLISH, { signals: [signal] }, { token }).then((data) => data.publishSignals[0])),
    );
    const sharedAnswers = answers.slice(0, 6);
    expect(sharedAnswers.filter((answer: any) => !answer.duplicate)).toHaveLength(1);
    expect(new Set(sharedAnswers.map((answer: any) => answer.signal.id)).size).toBe(1);
    expect(answers.slice(6, 26).every((answer: any) => !answer.duplicate)).toBe(true);
    expect(answers[26].duplicate).toBe(false);
    expect(answers[26].signal.id).not.toBe(sharedAnswers[0].signal.id);
    expect(await countSignals(members.noc.org.id)).toBe(before + 21);
    expect(await countSignals(members.other.org.id)).toBe(otherBefore + 1);
  });

  it('retries the publishes of a failed shared transaction alone: the failing one gets the error, the others are stored once', async () => {
    // A trigger stands in for a failure only the database sees (validation has passed).
    await db.query(`CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.source_ref = 'noc-poison' THEN RAISE EXCEPTION 'poisoned signal'; END IF; RETURN NEW; END $$`);
    await db.query('CREATE TRIGGER refuse_poison BEFORE INSERT ON signal FOR EACH ROW EXECUTE FUNCTION refuse_poison()');
    try {
      const before = await countSignals(members.noc.org.id);
      const refs = Array.from({ length: 24 }, (_, i) => (i === 12 ? 'noc-poison' : `noc-retried-${i}`));
      const answers = await Promise.all(
        refs.map((sourceRef) => graphql(hub.url, PUBLISH, { signals: [trafficDrop({ sourceRef })] }, { token: members.noc.token })),
      );
      expect(answers[12].errors).toBeDefined();
      expect(answers.filter((answer) => answer.errors)).toHaveLength(1);
      expect(answers.filter((answer) => answer.data?.publishSignals[0].duplicate === false)).toHaveLength(23);
      expect(await countSignals(members.noc.org.id)).toBe(before + 23);
      const { rows } = await db.query(`SELECT count(*)::int AS n FROM signal WHERE source_ref LIKE 'noc-retried-%'`);
      expect(rows[0].n).toBe(23);
    } finally {
      await db.query('DROP TRIGGER refuse_poison ON signal; DROP FUNCTION refuse_poison()');
    }
  });

  it.each([1, 250])('stores text and references with tabs, newlines, backslashes, quotes and braces exactly (batch of %i)', async (size) => {
    const awkward = 'line 1\tcol\nline 2 \\N "quoted" {braces} \\ 大阪\r\nend';
    const input = trafficDrop({ sourceRef: `ticket"${size}"\\{x},\\N`, text: awkward });
    const batch = [input, ...Array.from({ length: size - 1 }, () => trafficDrop())];
    const data = await graphqlOk(hub.url, PUBLISH, { signals: batch }, { token: members.noc.token });
    const { rows } = await db.query('SELECT source_ref, text_raw, service, regions, details FROM signal WHERE id = $1', [data.publishSignals[0].signal.id]);
    expect(rows[0]).toMatchObject({ source_ref: input.sourceRef, text_raw: awkward, service: input.service, regions: input.regions });
    expect(rows[0].details).toMatchObject(input.trafficDrop as object);
  });

  it('returns the stored signal for a retried sourceRef and never duplicates it', async () => {
    const input = routeAnomaly({ sourceRef: 'noc-ticket-2017-0825-001' });
    const before = await countSignals(members.noc.org.id);
    const first = await graphqlOk(hub.url, PUBLISH, { signals: [input] }, { token: members.noc.token });
    const changedRetry = { ...input, severity: 'MINOR', text: 'a retry with edited text' };
    const retries = await Promise.all(
      Array.from({ length: 5 }, () => graphqlOk(hub.url, PUBLISH, { signals: [changedRetry] }, { token: members.noc.token })),
    );
    expect(first.publishSignals[0].duplicate).toBe(false);
    for (const retry of retries) {
      expect(retry.publishSignals[0].duplicate).toBe(true);
      expect(retry.publishSignals[0].signal).toEqual(first.publishSignals[0].signal);
    }
    expect(await countSignals(members.noc.org.id)).toBe(before + 1);
  });

  it('keeps sourceRefs apart between organisations', async () => {
    const input = trafficDrop({ sourceRef: 'shared-ref-1' });
    const mine = await graphqlOk(hub.url, PUBLISH, { signals: [input] }, { token: members.noc.token });
    const theirs = await graphqlOk(hub.url, PUBLISH, { signals: [input] }, { token: members.other.token });
    expect(theirs.publishSignals[0].duplicate).toBe(false);
    expect(theirs.publishSignals[0].signal.id).not.toBe(mine.publishSignals[0].signal.id);
  });

  it('mixes new and already stored signals in one batch', async () => {
    const stored = trafficDrop();
    await graphqlOk(hub.url, PUBLISH, { signals: [stored] }, { token: members.noc.token });
    const data = await graphqlOk(hub.url, PUBLISH, { signals: [trafficDrop(), stored, trafficDrop()] }, { token: members.noc.token });
    expect(data.publishSignals.map((result: any) => result.duplicate)).toEqual([false, true, false]);
  });

  it('rejects a batch with invalid items, naming index and field, and writes nothing', async () => {
    const before = await countSignals(members.noc.org.id);
    const batch = Array.from({ length: 999 }, () => trafficDrop());
    batch.splice(17, 0, trafficDrop({ regions: ['48'], trafficDrop: { dropPercent: 120 } }));
    batch.push(routeAnomaly({ routeAnomaly: { anomalyType: 'ROUTE_LEAK', prefixes: ['203.0.113.0/33'] } }));
    const response = await graphql(hub.url, PUBLISH, { signals: batch }, { token: members.noc.token });
    expect(response.data).toBeNull();
    const [error] = response.errors!;
    expect(error.extensions!.code).toBe('BAD_USER_INPUT');
    expect(error.extensions!.fieldErrors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ index: 17, field: 'regions' }),
        expect.objectContaining({ index: 17, field: 'trafficDrop.dropPercent' }),
        expect.objectContaining({ index: 1000, field: 'routeAnomaly.prefixes' }),
      ]),
    );
    expect(error.message).toContain('[17].regions');
    expect(await countSignals(members.noc.org.id)).toBe(before);
  });

  it.each([
    ['details of another kind', trafficDrop({ trafficDrop: null, serviceOutage: { symptom: 'UNREACHABLE' } }), 'trafficDrop'],
    ['TLP:RED without recipients', trafficDrop({ tlp: 'RED' }), 'recipientOrgIds'],
    ['an unknown recipient', trafficDrop({ tlp: 'RED', recipientOrgIds: ['01a20742-0000-7000-8000-000000000000'] }), 'recipientOrgIds'],
    ['an end before the start', trafficDrop({ observedEnd: '2017-08-25T03:00:00Z' }), 'observedEnd'],
    ['a sourceRef with spaces', trafficDrop({ sourceRef: 'has space' }), 'sourceRef'],
  ])('names the field for %s', async (_case, input, field) => {
    const response = await graphql(hub.url, PUBLISH, { signals: [input] }, { token: members.noc.token });
    expect(response.errors![0].extensions!.fieldErrors).toEqual(expect.arrayContaining([expect.objectContaining({ index: 0, field })]));
  });

  it('refuses type errors at the GraphQL layer with the item path and no stack trace', async () => {
    const response = await graphql(
      hub.url,
      PUBLISH,
      { signals: [trafficDrop(), trafficDrop({ observedStart: 'yesterday-ish', kind: 'TRAFFIC_JAM' })] },
      { token: members.noc.token },
    );
    expect(response.status).toBeLessThan(500);
    expect(response.errors![0].message).toMatch(/signals\[1\]/);
    expect(JSON.stringify(response)).not.toMatch(/\bat .+\.js:\d+/);
  });

  it('refuses an empty batch and one above the limit', async () => {
    const empty = await graphql(hub.url, PUBLISH, { signals: [] }, { token: members.noc.token });
    expect(empty.errors![0].extensions!.fieldErrors[0].field).toBe('signals');
  });

  it('lets only publishers and publish-scoped keys publish', async () => {
    const asViewer = await graphql(hub.url, PUBLISH, { signals: [trafficDrop()] }, { token: members.viewer.token });
    expect(asViewer.errors![0].extensions!.code).toBe('FORBIDDEN');
    const anonymous = await graphql(hub.url, PUBLISH, { signals: [trafficDrop()] });
    expect(anonymous.errors![0].extensions!.code).toBe('UNAUTHENTICATED');

    const keys = hub.app.get(ApiKeysService);
    const readOnly = await keys.insert(members.noc.org.id, 'reader', [ApiKeyScope.SIGNALS_READ], null);
    const publisher = await keys.insert(members.noc.org.id, 'ingest', [ApiKeyScope.SIGNALS_PUBLISH], null);
    const withReader = await graphql(hub.url, PUBLISH, { signals: [trafficDrop()] }, { apiKey: readOnly.key });
    expect(withReader.errors![0].extensions!.code).toBe('FORBIDDEN');
    const withPublisher = await graphqlOk(hub.url, PUBLISH, { signals: [trafficDrop()] }, { apiKey: publisher.key });
    expect(withPublisher.publishSignals[0].signal.publisher.organization.id).toBe(members.noc.org.id);
    const badKey = await graphql(hub.url, PUBLISH, { signals: [trafficDrop()] }, { apiKey: `${publisher.key.slice(0, -2)}xx` });
    expect(badKey.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
  });

  it('pages through signals with Relay cursors in both directions', async () => {
    const filter = { services: ['paging-test'] };
    const batch = Array.from({ length: 7 }, () => trafficDrop({ service: 'paging-test' }));
    const published = await graphqlOk(hub.url, PUBLISH, { signals: batch }, { token: members.noc.token });
    const ids = published.publishSignals.map((result: any) => result.signal.id);
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: any = await graphqlOk(hub.url, LIST, { filter, first: 3, after }, { token: members.noc.token });
      seen.push(...page.signals.edges.map((edge: any) => edge.node.id));
      if (!page.signals.pageInfo.hasNextPage) break;
      after = page.signals.pageInfo.endCursor;
    }
    expect(seen).toEqual(ids);
    const latest = await graphqlOk(hub.url, LIST, { filter, last: 2 }, { token: members.noc.token });
    expect(latest.signals.edges.map((edge: any) => edge.node.id)).toEqual(ids.slice(-2));
    expect(latest.signals.pageInfo.hasPreviousPage).toBe(true);
    const bad = await graphql(hub.url, LIST, { after: 'not-a-cursor' }, { token: members.noc.token });
    expect(bad.errors![0].extensions!.fieldErrors[0].field).toBe('after');
  });

  it('filters by kind, region, service, severity and time', async () => {
    const tag = `filter-${Date.now()}`;
    await graphqlOk(
      hub.url,
      PUBLISH,
      {
        signals: [
          trafficDrop({ service: tag, regions: ['27'], severity: 'MINOR' }),
          trafficDrop({ service: tag, regions: ['NATIONWIDE'], severity: 'CRITICAL', observedStart: '2017-08-25T07:00:00Z', observedEnd: null }),
          routeAnomaly({ service: tag, regions: ['INTERNATIONAL'] }),
        ],
      },
      { token: members.noc.token },
    );
    const count = async (filter: Record<string, unknown>) =>
      (await graphqlOk(hub.url, LIST, { filter: { services: [tag], ...filter } }, { token: members.noc.token })).signals.edges.length;
    expect(await count({})).toBe(3);
    expect(await count({ kinds: ['ROUTE_ANOMALY'] })).toBe(1);
    expect(await count({ regions: ['27'] })).toBe(2);
    expect(await count({ regions: ['01'] })).toBe(1);
    expect(await count({ regions: ['INTERNATIONAL'] })).toBe(1);
    expect(await count({ severities: ['MINOR'] })).toBe(1);
    expect(await count({ severities: ['CRITICAL', 'INFO'] })).toBe(2);
    expect(await count({ observedFrom: '2017-08-25T06:00:00Z' })).toBe(2);
    expect(await count({ observedTo: '2017-08-25T03:23:00Z' })).toBe(1);
  });
});
