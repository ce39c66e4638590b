import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { DataSource } from 'typeorm';
import { printSchema } from 'graphql';
import { OrgKind } from '@kessetsu/schema';
import { SDL_PATH } from '../apps/hub/src/schema/emit-schema.js';
import { graphql, graphqlOk } from './support/graphql-request.util.js';
import { seedMembers } from './support/seed-orgs.util.js';
import { PUBLISH, trafficDrop } from './support/signal-fixtures.util.js';
import { createTestDatabase, startTestHub, TestHub } from './support/test-hub.util.js';

describe('operations', () => {
  let hub: TestHub;

  beforeAll(async () => {
    hub = await startTestHub();
  });

  afterAll(() => hub?.close());

  it('reports health with the database reachable', async () => {
    const response = await fetch(`${hub.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', database: 'up' });
  });

  it("runs the hub's queries with Postgres' JIT off (it took 175-290 ms to compile one correlation read)", async () => {
    const [{ jit }] = await hub.app.get(DataSource).query('SHOW jit');
    expect(jit).toBe('off');
  });

  it('keeps incident pages half empty, so that a join\'s new version of an incident stays on its page', async () => {
    const [{ reloptions }] = await hub.app.get(DataSource).query(`SELECT reloptions FROM pg_class WHERE oid = 'incident'::regclass`);
    expect(reloptions).toEqual(['fillfactor=50']);
  });

  it('exposes Prometheus metrics for requests, published signals and live subscribers', async () => {
    const { noc } = await seedMembers(hub, { noc: { kind: OrgKind.CARRIER } });
    await graphqlOk(hub.url, PUBLISH, { signals: [trafficDrop(), trafficDrop()] }, { token: noc.token });
    const response = await fetch(`${hub.url}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/kessetsu_signals_published_total\{kind="TRAFFIC_DROP"\} 2\b/);
    expect(text).toMatch(/kessetsu_http_requests_total\{route="\/graphql",status="2xx"\} \d+/);
    expect(text).toContain('kessetsu_live_subscribers');
    // The two drops correlate into one incident, which the publishing process now holds.
    expect(text).toMatch(/kessetsu_correlation_open_incidents 1\b/);
  });

  it('hides internals behind a generic error and never returns a stack trace', async () => {
    const response = await graphql(hub.url, `{ signals(first: 100000) { edges { cursor } } }`);
    expect(response.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    const malformed = await fetch(`${hub.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query": "{ signals { edges { cursor } "}',
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.text()).not.toMatch(/\bat .+\.js:\d+/);
  });

  it('serves exactly the SDL committed in libs/schema (run npm run schema:emit when this fails)', () => {
    const committed = readFileSync(SDL_PATH, 'utf8');
    const served = printSchema(hub.app.get(GraphQLSchemaHost).schema);
    expect(committed.slice(committed.indexOf('\n\n') + 2)).toBe(served);
  });

  it('creates the bootstrap ministry administrator once, who may create organisations', async () => {
    const env = { HUB_BOOTSTRAP_ADMIN_EMAIL: 'root@mic.example', HUB_BOOTSTRAP_ADMIN_PASSWORD: 'bootstrap-password-1' };
    const database = await createTestDatabase();
    const first = await startTestHub(env, database.url);
    await first.close();
    const again = await startTestHub({ ...env, HUB_BOOTSTRAP_ADMIN_PASSWORD: 'another-password-2' }, database.url);
    try {
      const login = await graphqlOk(again.url, `mutation { login(email: "root@mic.example", password: "bootstrap-password-1") { accessToken viewer { role permissions organization { kind } } } }`);
      expect(login.login.viewer).toMatchObject({ role: 'ADMIN', organization: { kind: 'MINISTRY' } });
      expect(login.login.viewer.permissions).toContain('hub:admin');
      const created = await graphqlOk(
        again.url,
        `mutation { createOrganization(input: { name: "New Carrier", kind: CARRIER, asns: [64512] }) { id kind } }`,
        {},
        { token: login.login.accessToken },
      );
      expect(created.createOrganization.kind).toBe('CARRIER');
    } finally {
      await again.close();
      await database.drop();
    }
  });

  it('refuses to start with invalid configuration, naming the variable', () => {
    const result = spawnSync(process.execPath, ['dist/apps/hub/src/main.js'], {
      env: { ...process.env, HUB_ENV: 'production', HUB_SECRET: 'short', PORT: 'eighty' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('HUB_SECRET must be at least 32 characters');
    expect(result.stderr).toMatch(/PORT/);
  });
});
