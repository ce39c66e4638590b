import { randomUUID } from 'node:crypto';
import { OrgKind, UserRole } from '@kessetsu/schema';
import { graphql, graphqlOk } from './support/graphql-request.util.js';
import { Member, seedMembers } from './support/seed-orgs.util.js';
import { FEED, LIST, PUBLISH, trafficDrop } from './support/signal-fixtures.util.js';
import { startTestHub, TestHub } from './support/test-hub.util.js';
import { LiveFeed, subscribe } from './support/ws-client.util.js';

/**
 * Every org kind publishes one signal of every TLP label; every kind of viewer reads
 * them through the query and the live feed. Expectations come from the design brief's
 * table, restated here independently of the hub's access-policy module.
 */
const TLP_LABELS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED'] as const;
type Tlp = (typeof TLP_LABELS)[number];
const RAW_PHONE = '03-1234-5678';

interface OrgRef {
  id: string;
  kind: OrgKind;
}

function mayReceive(viewer: OrgRef | null, publisher: OrgRef, tlp: Tlp, recipients: string[]): boolean {
  if (!viewer) return tlp === 'CLEAR';
  const own = viewer.id === publisher.id;
  switch (tlp) {
    case 'CLEAR':
    case 'GREEN':
      return true;
    case 'AMBER':
      return own || [OrgKind.CARRIER, OrgKind.ISAC, OrgKind.MINISTRY].includes(viewer.kind);
    case 'AMBER_STRICT':
      return own || viewer.kind === OrgKind.MINISTRY;
    case 'RED':
      return own || viewer.kind === OrgKind.MINISTRY || recipients.includes(viewer.id);
  }
}

const maySeeIdentity = (viewer: OrgRef | null, publisher: OrgRef) =>
  viewer !== null && (viewer.id === publisher.id || viewer.kind === OrgKind.MINISTRY);

describe('access matrix: every org kind x every TLP label, query and live feed', () => {
  let hub: TestHub;
  let members: Record<'carrier' | 'carrierColleague' | 'recipient' | 'otherCarrier' | 'isac' | 'ministry' | 'partner', Member>;
  const published: { id: string; tlp: Tlp; publisher: OrgRef; recipients: string[]; sourceRef: string }[] = [];
  const viewerNames = ['carrierColleague', 'recipient', 'otherCarrier', 'isac', 'ministry', 'partner'] as const;
  const feeds = new Map<string, LiveFeed<any>>();
  let sentinelId: string;

  beforeAll(async () => {
    hub = await startTestHub();
    members = await seedMembers(hub, {
      carrier: { kind: OrgKind.CARRIER },
      carrierColleague: { kind: OrgKind.CARRIER, sameOrgAs: 'carrier', role: UserRole.VIEWER },
      recipient: { kind: OrgKind.CARRIER },
      otherCarrier: { kind: OrgKind.CARRIER },
      isac: { kind: OrgKind.ISAC },
      ministry: { kind: OrgKind.MINISTRY },
      partner: { kind: OrgKind.PARTNER },
    });
    for (const name of viewerNames) feeds.set(name, await subscribe(hub.wsUrl, { token: members[name].token }, FEED));

    for (const publisherName of ['carrier', 'isac', 'ministry', 'partner'] as const) {
      const publisher = members[publisherName];
      for (const tlp of TLP_LABELS) {
        const recipients = tlp === 'RED' ? [members.recipient.org.id] : [];
        const input = trafficDrop({ tlp, recipientOrgIds: tlp === 'RED' ? recipients : null });
        const data = await graphqlOk(hub.url, PUBLISH, { signals: [input] }, { token: publisher.token });
        published.push({
          id: data.publishSignals[0].signal.id,
          tlp,
          publisher: { id: publisher.org.id, kind: publisher.org.kind },
          recipients,
          sourceRef: input.sourceRef as string,
        });
      }
    }
    // Commit order is delivery order, so once this arrives everything before it has too.
    const sentinel = await graphqlOk(hub.url, PUBLISH, { signals: [trafficDrop({ tlp: 'CLEAR' })] }, { token: members.carrier.token });
    sentinelId = sentinel.publishSignals[0].signal.id;
  });

  afterAll(async () => {
    for (const feed of feeds.values()) await feed.dispose();
    await hub?.close();
  });

  function checkView(viewer: OrgRef | null, node: any, expected: (typeof published)[number]) {
    const identity = maySeeIdentity(viewer, expected.publisher);
    expect(node.tlp).toBe(expected.tlp);
    expect(node.publisher.pseudonym).toMatch(/^org-[A-Z2-9]{6}$/);
    if (identity) {
      expect(node.publisher.organization?.id).toBe(expected.publisher.id);
      expect(node.sourceRef).toBe(expected.sourceRef);
      expect(node.text).toContain(RAW_PHONE);
      expect(node.recipientOrganizations?.map((org: { id: string }) => org.id) ?? []).toEqual(expected.recipients);
    } else {
      expect(node.publisher.organization).toBeNull();
      expect(node.sourceRef).toBeNull();
      expect(node.recipientOrganizations).toBeNull();
      expect(node.text).not.toContain(RAW_PHONE);
      expect(node.text).not.toContain('noc@example.jp');
      expect(node.text).not.toContain('198.51.100.7');
      expect(node.text).toContain('[phone]');
      expect(JSON.stringify(node)).not.toContain(expected.publisher.id);
    }
  }

  const viewersWithAnonymous = [...viewerNames, 'anonymous'] as const;

  it.each(viewersWithAnonymous)('query: %s sees exactly what its tier allows, shaped by the policy', async (name) => {
    const viewer = name === 'anonymous' ? null : { id: members[name].org.id, kind: members[name].org.kind };
    const credentials = name === 'anonymous' ? {} : { token: members[name].token };
    const data = await graphqlOk(hub.url, LIST, { first: 500 }, credentials);
    const seen = new Map<string, any>(data.signals.edges.map((edge: any) => [edge.node.id, edge.node]));
    for (const expected of published) {
      const visible = mayReceive(viewer, expected.publisher, expected.tlp, expected.recipients);
      expect({ id: expected.id, tlp: expected.tlp, publisherKind: expected.publisher.kind, visible: seen.has(expected.id) }).toEqual({
        id: expected.id,
        tlp: expected.tlp,
        publisherKind: expected.publisher.kind,
        visible,
      });
      if (visible) checkView(viewer, seen.get(expected.id), expected);
      const single = await graphqlOk(hub.url, `query($id: ID!) { signal(id: $id) { id } }`, { id: expected.id }, credentials);
      expect(single.signal?.id ?? null).toBe(visible ? expected.id : null);
    }
    expect(seen.size).toBe(published.filter((p) => mayReceive(viewer, p.publisher, p.tlp, p.recipients)).length + 1);
  });

  it.each(viewerNames)('live feed: %s receives exactly what its tier allows, shaped by the policy', async (name) => {
    const viewer = { id: members[name].org.id, kind: members[name].org.kind };
    const feed = feeds.get(name)!;
    const expectedCount = published.filter((p) => mayReceive(viewer, p.publisher, p.tlp, p.recipients)).length + 1;
    await feed.waitFor(expectedCount);
    const received = feed.events.map((event) => event.signalPublished.signal);
    expect(received.at(-1).id).toBe(sentinelId);
    expect(received).toHaveLength(expectedCount);
    for (const expected of published) {
      const node = received.find((signal) => signal.id === expected.id);
      expect(Boolean(node)).toBe(mayReceive(viewer, expected.publisher, expected.tlp, expected.recipients));
      if (node) checkView(viewer, node, expected);
    }
  });

  it('gives one organisation the same pseudonym on the same day, whoever looks', async () => {
    const views = await Promise.all(
      viewerNames.map((name) => graphqlOk(hub.url, LIST, { first: 500 }, { token: members[name].token })),
    );
    const pseudonymsByPublisher = new Map<string, Set<string>>();
    for (const view of views) {
      for (const { node } of view.signals.edges) {
        const publisher = published.find((p) => p.id === node.id)?.publisher.id;
        if (!publisher) continue;
        const names = pseudonymsByPublisher.get(publisher) ?? new Set();
        names.add(node.publisher.pseudonym);
        pseudonymsByPublisher.set(publisher, names);
      }
    }
    const all = [...pseudonymsByPublisher.values()].map((names) => [...names]);
    for (const names of all) expect(names).toHaveLength(1);
    expect(new Set(all.flat()).size).toBe(all.length);
  });

  it('answers a missing id and an invisible id the same way', async () => {
    const strict = published.find((p) => p.tlp === 'AMBER_STRICT' && p.publisher.kind === OrgKind.CARRIER)!;
    const query = `query($id: ID!) { signal(id: $id) { id } }`;
    const invisible = await graphql(hub.url, query, { id: strict.id }, { token: members.otherCarrier.token });
    const missing = await graphql(hub.url, query, { id: randomUUID() }, { token: members.otherCarrier.token });
    expect(invisible).toEqual(missing);
  });
});
