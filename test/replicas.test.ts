import { jest } from '@jest/globals';
import { OrgKind, UserRole } from '@kessetsu/schema';
import { SignalStore } from '../apps/hub/src/signals/signal-store.js';
import { graphql, graphqlOk } from './support/graphql-request.util.js';
import { HubProcess, spawnHubProcess } from './support/hub-process.util.js';
import { Member, seedMembers } from './support/seed-orgs.util.js';
import { FEED, PUBLISH, SIGNAL_FIELDS, trafficDrop } from './support/signal-fixtures.util.js';
import { startTestHub, TestHub } from './support/test-hub.util.js';
import { subscribe } from './support/ws-client.util.js';

/**
 * Two hub processes on one database, fan-out over Postgres LISTEN/NOTIFY. Polling is
 * set far beyond the test's deadlines so that only notifications can deliver in time.
 */
const NO_POLLING = { HUB_PUBSUB: 'postgres', HUB_FEED_POLL_MS: '60000' };
const DEADLINE_MS = 3000;
const ME = `{ me { role } }`;

describe('two hub processes on one database', () => {
  let hubA: TestHub;
  let hubB: HubProcess;
  let members: Record<'publisher' | 'watcher' | 'admin' | 'staff', Member>;

  beforeAll(async () => {
    hubA = await startTestHub(NO_POLLING);
    hubB = await spawnHubProcess(hubA.databaseUrl, NO_POLLING);
    members = await seedMembers(hubA, {
      publisher: { kind: OrgKind.CARRIER },
      watcher: { kind: OrgKind.CARRIER, role: UserRole.ADMIN },
      admin: { kind: OrgKind.ISAC, role: UserRole.ADMIN },
      staff: { kind: OrgKind.CARRIER, sameOrgAs: 'watcher', role: UserRole.VIEWER },
    });
  });

  afterAll(async () => {
    await hubB?.stop();
    await hubA?.close();
  });

  it('delivers signals published on either process to subscribers of both, in commit order', async () => {
    const onB = await subscribe(hubB.wsUrl, { token: members.watcher.token }, FEED);
    const onA = await subscribe(hubA.wsUrl, { token: members.watcher.token }, FEED);
    const viaA = await graphqlOk(hubA.url, PUBLISH, { signals: [trafficDrop()] }, { token: members.publisher.token });
    const viaB = await graphqlOk(hubB.url, PUBLISH, { signals: [trafficDrop()] }, { token: members.publisher.token });
    // Published on A right after B's: A may not have read B's signal yet, so A's own one does not follow what A delivered.
    const viaA2 = await graphqlOk(hubA.url, PUBLISH, { signals: [trafficDrop()] }, { token: members.publisher.token });
    const expected = [viaA, viaB, viaA2].map((answer) => answer.publishSignals[0].signal.id);
    const receivedOnB = await onB.waitFor(3, DEADLINE_MS);
    const receivedOnA = await onA.waitFor(3, DEADLINE_MS);
    expect(receivedOnB.map((event) => event.signalPublished.signal.id)).toEqual(expected);
    expect(receivedOnA.map((event) => event.signalPublished.signal.id)).toEqual(expected);
    expect(receivedOnB[0].signalPublished.signal.publisher.organization).toBeNull();
    await onA.dispose();
    await onB.dispose();
  });

  it("delivers another process's commit of a few signals from its notice, and reads back those too long for one", async () => {
    const readBacks = jest.spyOn(hubA.app.get(SignalStore), 'committedAfter');
    try {
      const onA = await subscribe(hubA.wsUrl, { token: members.watcher.token }, FEED);
      const few = await graphqlOk(hubB.url, PUBLISH, { signals: [trafficDrop(), trafficDrop({ tlp: 'AMBER' })] }, { token: members.publisher.token });
      const fromNotice = await onA.waitFor(2, DEADLINE_MS);
      expect(readBacks).not.toHaveBeenCalled();
      const ids = few.publishSignals.map((published: { signal: { id: string } }) => published.signal.id);
      const read = `query($id: ID!) { signal(id: $id) { ${SIGNAL_FIELDS} } }`;
      for (const [i, id] of ids.entries()) {
        const queried = (await graphqlOk(hubA.url, read, { id }, { token: members.watcher.token })).signal;
        expect(fromNotice[i].signalPublished.signal).toEqual(queried);
      }
      // Two copies of 4,000 characters (raw and scrubbed) exceed what a notice holds.
      const long = await graphqlOk(hubB.url, PUBLISH, { signals: [trafficDrop({ text: 'x'.repeat(4000) })] }, { token: members.publisher.token });
      const received = await onA.waitFor(3, DEADLINE_MS);
      expect(received[2].signalPublished.signal.id).toBe(long.publishSignals[0].signal.id);
      expect(readBacks).toHaveBeenCalled();
      await onA.dispose();
    } finally {
      readBacks.mockRestore();
    }
  });

  it('correlates into one incident whichever process publishes, each reading what the other committed', async () => {
    const joining = `mutation($signals: [SignalInput!]!) { publishSignals(signals: $signals) { incident { id } } }`;
    const counted = `query($id: ID!) { incident(id: $id) { id status signalCount } }`;
    const drop = () => trafficDrop({ observedStart: '2019-05-01T10:00:00Z', observedEnd: '2019-05-01T10:20:00Z', trafficDrop: { dropPercent: 30, peerAsn: 64999 } });
    const publish = async (hub: { url: string }, member: Member) => {
      const { id } = (await graphqlOk(hub.url, joining, { signals: [drop()] }, { token: member.token })).publishSignals[0].incident;
      return (await graphqlOk(hub.url, counted, { id }, { token: member.token })).incident;
    };
    const opened = await publish(hubA, members.publisher);
    expect(opened).toEqual({ id: opened.id, status: 'SINGLE_ORG', signalCount: 1 });
    expect(await publish(hubB, members.watcher)).toEqual({ id: opened.id, status: 'CROSS_CARRIER', signalCount: 2 });
    // Hub A last saw the incident as it left it: it must count B's join, and keep B's status.
    expect(await publish(hubA, members.publisher)).toEqual({ id: opened.id, status: 'CROSS_CARRIER', signalCount: 3 });
    expect(await publish(hubB, members.watcher)).toEqual({ id: opened.id, status: 'CROSS_CARRIER', signalCount: 4 });
  });

  /** Milliseconds from `since` until hub B refuses the credential, polling; null if it still accepts it at the deadline. */
  async function refusedOnB(auth: { token?: string; apiKey?: string }, since: number): Promise<number | null> {
    while (Date.now() - since < DEADLINE_MS) {
      const answer = await graphql(hubB.url, ME, {}, auth);
      if (answer.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED') return Date.now() - since;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return null;
  }

  // Hub B has just read the credential and caches it for 2 s: only the revocation notice ends it sooner.
  it('closes a subscription and refuses requests on one process, at once, when its key is revoked through the other', async () => {
    const created = await graphqlOk(
      hubA.url,
      `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { id } } }`,
      { input: { name: 'replica reader', scopes: ['signals:read'] } },
      { token: members.admin.token },
    );
    const apiKey = created.createApiKey.key;
    const feed = await subscribe(hubB.wsUrl, { apiKey }, FEED);
    await graphqlOk(hubB.url, ME, {}, { apiKey });
    const revokedAt = Date.now();
    await graphqlOk(hubA.url, `mutation($id: ID!) { revokeApiKey(id: $id) { id } }`, { id: created.createApiKey.apiKey.id }, {
      token: members.admin.token,
    });
    let deadline: NodeJS.Timeout | undefined;
    const code = await Promise.race([feed.closed, new Promise((resolve) => (deadline = setTimeout(() => resolve('timeout'), DEADLINE_MS)))]);
    clearTimeout(deadline);
    expect(code).toBe(4403);
    expect(await refusedOnB({ apiKey }, revokedAt)).toBeLessThan(1000);
  });

  it('refuses a user deactivated through one process on the other as soon as the notice arrives', async () => {
    const staffId = (
      await graphqlOk(hubA.url, `query($org: ID!) { users(orgId: $org) { id email } }`, { org: members.watcher.org.id }, { token: members.watcher.token })
    ).users.find((user: { email: string }) => user.email === members.staff.email).id;
    await graphqlOk(hubB.url, ME, {}, { token: members.staff.token });
    const deactivatedAt = Date.now();
    await graphqlOk(hubA.url, `mutation($id: ID!) { deactivateUser(id: $id) { active } }`, { id: staffId }, { token: members.watcher.token });
    expect(await refusedOnB({ token: members.staff.token }, deactivatedAt)).toBeLessThan(1000);
  });
});
