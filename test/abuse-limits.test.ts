import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { OrgKind, UserRole } from '@kessetsu/schema';
import { graphql, graphqlOk } from './support/graphql-request.util.js';
import { Member, seedMembers, TEST_PASSWORD } from './support/seed-orgs.util.js';
import { FEED, PUBLISH, trafficDrop } from './support/signal-fixtures.util.js';
import { startTestHub, TestHub } from './support/test-hub.util.js';
import { subscribe } from './support/ws-client.util.js';

const post = (hub: TestHub, body: unknown) =>
  fetch(`${hub.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('abuse limits and hardening', () => {
  let hub: TestHub;
  let m: Record<'admin' | 'noc' | 'staff', Member>;

  beforeAll(async () => {
    hub = await startTestHub({ HUB_PUBLISH_REQUESTS_PER_MINUTE: '3', HUB_MAX_LIVE_SUBSCRIPTIONS: '2', HUB_LOGIN_ATTEMPTS_PER_MINUTE: '5' });
    m = await seedMembers(hub, {
      admin: { kind: OrgKind.CARRIER, role: UserRole.ADMIN },
      noc: { kind: OrgKind.CARRIER },
      staff: { kind: OrgKind.CARRIER, sameOrgAs: 'admin', role: UserRole.VIEWER },
    });
  });

  afterAll(() => hub?.close());

  it('refuses documents nested too deep, with too many aliases, or too long', async () => {
    const deep = `{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } }`;
    const deepResponse = await graphql(hub.url, deep);
    expect(deepResponse.errors![0].message).toMatch(/nested \d+ levels deep/);
    const aliases = `{ ${Array.from({ length: 21 }, (_, i) => `a${i}: me { email }`).join(' ')} }`;
    expect((await graphql(hub.url, aliases)).errors![0].message).toMatch(/more than 20 aliases/);
    const long = await post(hub, { query: `{ me { email } }${' '.repeat(21_000)}` });
    expect(long.status).toBe(400);
  });

  it('throttles sign-in attempts per email, saying when to retry', async () => {
    const attempt = () => graphql(hub.url, `mutation { login(email: "guess@members.example", password: "wrong-password-1") { accessToken } }`);
    const codes = [];
    for (let i = 0; i < 6; i += 1) codes.push((await attempt()).errors![0].extensions!.code);
    expect(codes).toEqual([...Array(5).fill('UNAUTHENTICATED'), 'RATE_LIMITED']);
    const limited = await attempt();
    expect(limited.errors![0].extensions!.retryAfter).toBeGreaterThan(0);
  });

  it('answers a rate-limited request with 429 and Retry-After', async () => {
    const response = await post(hub, { query: `mutation { login(email: "guess@members.example", password: "wrong-password-1") { accessToken } }` });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await response.json()) as any;
    expect(body.errors[0].extensions).toEqual({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
  });

  it('limits publishing per credential, saying when to retry, and stores nothing refused', async () => {
    for (let i = 0; i < 3; i += 1) await graphqlOk(hub.url, PUBLISH, { signals: [trafficDrop()] }, { token: m.noc.token });
    const refused = trafficDrop();
    const response = await graphql(hub.url, PUBLISH, { signals: [refused] }, { token: m.noc.token });
    expect(response.status).toBe(429);
    expect(response.errors![0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
    const stored = await graphqlOk(hub.url, `{ signals(filter: { services: ["internet"] }, last: 10) { edges { node { sourceRef } } } }`, {}, { token: m.noc.token });
    expect(stored.signals.edges.map((edge: any) => edge.node.sourceRef)).not.toContain(refused.sourceRef);
  });

  it('applies the same publish limit to mutations sent over graphql-ws', async () => {
    const client = createClient({ url: hub.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${m.noc.token}` }, retryAttempts: 0 });
    const result = await new Promise<unknown>((resolve) => {
      client.subscribe({ query: PUBLISH, variables: { signals: [trafficDrop()] } }, { next: resolve, error: resolve, complete: () => undefined });
    });
    expect(JSON.stringify(result)).toContain('RATE_LIMITED');
    await client.dispose();
  });

  it('caps live subscriptions per identity', async () => {
    const first = await subscribe(hub.wsUrl, { token: m.admin.token }, FEED);
    const second = await subscribe(hub.wsUrl, { token: m.admin.token }, FEED);
    const third = await subscribe(hub.wsUrl, { token: m.admin.token }, FEED);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(JSON.stringify(third.errors)).toContain('Too many live subscriptions');
    await Promise.all([first.dispose(), second.dispose(), third.dispose()]);
  });

  it('ends a deactivated user’s access at once, including live subscriptions', async () => {
    const feed = await subscribe(hub.wsUrl, { token: m.staff.token }, FEED);
    await graphqlOk(hub.url, `mutation($id: ID!) { deactivateUser(id: $id) { active } }`, { id: await userId(m.staff) }, { token: m.admin.token });
    expect(await feed.closed).toBe(4403);
    const after = await graphql(hub.url, `{ me { email } }`, {}, { token: m.staff.token });
    expect(after.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    const relogin = await graphql(hub.url, `mutation { login(email: "${m.staff.email}", password: "${TEST_PASSWORD}") { accessToken } }`);
    expect(relogin.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
  });

  const userId = async (member: Member) =>
    (await graphqlOk(hub.url, `query($org: ID!) { users(orgId: $org) { id email } }`, { org: member.org.id }, { token: m.admin.token })).users.find(
      (user: { email: string }) => user.email === member.email,
    ).id as string;

  it('sends security headers and refuses mutations over GET', async () => {
    const response = await fetch(`${hub.url}/graphql?query=${encodeURIComponent('mutation { login(email: "a@b.jp", password: "x") { accessToken } }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  it('refuses a WebSocket subscription document that breaks the limits', async () => {
    const client = createClient({ url: hub.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${m.noc.token}` }, retryAttempts: 0 });
    const errors = await new Promise<unknown>((resolve) => {
      client.subscribe(
        { query: `subscription { ${Array.from({ length: 21 }, (_, i) => `a${i}: signalPublished { cursor }`).join(' ')} }` },
        { next: () => undefined, error: resolve, complete: () => resolve(null) },
      );
    });
    expect(JSON.stringify(errors)).toMatch(/aliases|single root field/);
    await client.dispose();
  });
});

describe('production mode', () => {
  let hub: TestHub;
  let token: string;

  beforeAll(async () => {
    hub = await startTestHub({ HUB_ENV: 'production', HUB_SECRET: 'p'.repeat(40) });
    token = (await seedMembers(hub, { member: { kind: OrgKind.PARTNER } })).member.token;
  });

  afterAll(() => hub?.close());

  it('describes the schema only to signed-in members and serves no GraphiQL', async () => {
    const query = `{ __schema { queryType { name } } }`;
    const anonymous = await graphql(hub.url, query);
    expect(anonymous.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    expect(anonymous.data ?? null).toBeNull();
    const member = await graphqlOk(hub.url, query, {}, { token });
    expect(member.__schema.queryType.name).toBe('Query');
    const page = await fetch(`${hub.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toMatch(/graphiql|sandbox|playground/i);
  });

  it('answers cross-origin requests only for the portal, and mutations only as JSON POSTs', async () => {
    const preflight = await fetch(`${hub.url}/graphql`, {
      method: 'OPTIONS',
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const plain = await fetch(`${hub.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain' },
      body: JSON.stringify({ query: `mutation { login(email: "a@b.jp", password: "password-12345") { accessToken } }` }),
    });
    expect(plain.status).toBe(400);
  });
});
