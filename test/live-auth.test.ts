import { JwtService } from '@nestjs/jwt';
import { AUTH_OPTIONS, AuthOptions, jwtSignOptions } from '@kessetsu/auth';
import { OrgKind, UserRole } from '@kessetsu/schema';
import { graphql, graphqlOk } from './support/graphql-request.util.js';
import { Member, seedMembers } from './support/seed-orgs.util.js';
import { FEED, PUBLISH, trafficDrop } from './support/signal-fixtures.util.js';
import { startTestHub, TestHub } from './support/test-hub.util.js';
import { connectionRefusal, subscribe } from './support/ws-client.util.js';

const CREATE_KEY = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { id keyId scopes revokedAt } } }`;
const REVOKE_KEY = `mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt } }`;

describe('live feed authentication', () => {
  let hub: TestHub;
  let members: Record<'admin' | 'publisher' | 'outsider', Member>;

  beforeAll(async () => {
    hub = await startTestHub();
    members = await seedMembers(hub, {
      admin: { kind: OrgKind.PARTNER, role: UserRole.ADMIN },
      publisher: { kind: OrgKind.CARRIER },
      outsider: { kind: OrgKind.CARRIER, role: UserRole.ADMIN },
    });
  });

  afterAll(() => hub?.close());

  it.each([
    ['no payload', {}],
    ['a malformed authorization', { authorization: 'Token abc' }],
    ['a forged token', { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' }],
    ['an unknown key', { apiKey: 'kss_aaaaaaaaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb' }],
  ])('refuses a connection with %s', async (_case, payload) => {
    expect(await connectionRefusal(hub.wsUrl, payload)).toBe(4403);
  });

  it('accepts a key in connection_init and ends its subscription when the key is revoked', async () => {
    const created = await graphqlOk(
      hub.url,
      CREATE_KEY,
      { input: { name: 'feed reader', scopes: ['signals:read'] } },
      { token: members.admin.token },
    );
    const { key, apiKey } = created.createApiKey;
    expect(key.startsWith(`kss_${apiKey.keyId}_`)).toBe(true);
    const feed = await subscribe(hub.wsUrl, { apiKey: key }, FEED);
    await graphqlOk(hub.url, PUBLISH, { signals: [trafficDrop()] }, { token: members.publisher.token });
    await feed.waitFor(1);

    const notMine = await graphql(hub.url, REVOKE_KEY, { id: apiKey.id }, { token: members.outsider.token });
    expect(notMine.errors![0].extensions!.code).toBe('NOT_FOUND');
    const revoked = await graphqlOk(hub.url, REVOKE_KEY, { id: apiKey.id }, { token: members.admin.token });
    expect(revoked.revokeApiKey.revokedAt).not.toBeNull();
    expect(await feed.closed).toBe(4403);

    const afterwards = await graphql(hub.url, `{ me { role } }`, {}, { apiKey: key });
    expect(afterwards.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    expect(await connectionRefusal(hub.wsUrl, { apiKey: key })).toBe(4403);
  });

  it('ends a subscription when its token expires', async () => {
    const options = hub.app.get<AuthOptions>(AUTH_OPTIONS);
    const jwt = hub.app.get(JwtService);
    const me = await graphqlOk(hub.url, `{ me { email } }`, {}, { token: members.publisher.token });
    expect(me.me.email).toBe(members.publisher.email);
    const claims = jwt.decode(members.publisher.token) as { sub: string };
    const shortLived = await jwt.signAsync({ sub: claims.sub }, { ...jwtSignOptions(options), expiresIn: 2 });
    const feed = await subscribe(hub.wsUrl, { token: shortLived }, FEED);
    const started = Date.now();
    expect(await feed.closed).toBe(4401);
    expect(Date.now() - started).toBeLessThan(3500);
  });

  it('refuses tokens signed with another algorithm, issuer or audience', async () => {
    const options = hub.app.get<AuthOptions>(AUTH_OPTIONS);
    const jwt = hub.app.get(JwtService);
    const claims = jwt.decode(members.publisher.token) as { sub: string };
    for (const override of [{ issuer: 'someone-else' }, { audience: 'other-app' }, { algorithm: 'HS512' as const }]) {
      const token = await jwt.signAsync({ sub: claims.sub }, { ...jwtSignOptions(options), ...override });
      const response = await graphql(hub.url, `{ me { email } }`, {}, { token });
      expect(response.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    }
  });
});
