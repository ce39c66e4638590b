import { OrgKind } from '@kessetsu/schema';
import { graphql, graphqlOk } from './support/graphql-request.util.js';
import { Member, seedMembers } from './support/seed-orgs.util.js';
import { startTestHub, TestHub } from './support/test-hub.util.js';
import { subscribe } from './support/ws-client.util.js';

const PUBLISH = `mutation($input: PublishAdvisoryInput!) { publishAdvisory(input: $input) { id tlp issuer { id } } }`;
const LIST = `{ advisories(first: 100) { edges { node { id title tlp issuer { kind } } } } }`;
const FEED = `subscription { advisoryPublished { cursor advisory { id tlp } } }`;

/** Who receives an advisory of each label, restated from the design brief. */
const RECEIVES: Record<string, OrgKind[]> = {
  CLEAR: [OrgKind.CARRIER, OrgKind.ISAC, OrgKind.MINISTRY, OrgKind.PARTNER],
  GREEN: [OrgKind.CARRIER, OrgKind.ISAC, OrgKind.MINISTRY, OrgKind.PARTNER],
  AMBER: [OrgKind.CARRIER, OrgKind.ISAC, OrgKind.MINISTRY],
  AMBER_STRICT: [OrgKind.ISAC, OrgKind.MINISTRY],
};

describe('advisories', () => {
  let hub: TestHub;
  let m: Record<'ministry' | 'isac' | 'carrier' | 'recipient' | 'partner', Member>;

  beforeAll(async () => {
    hub = await startTestHub();
    m = await seedMembers(hub, {
      ministry: { kind: OrgKind.MINISTRY },
      isac: { kind: OrgKind.ISAC },
      carrier: { kind: OrgKind.CARRIER },
      recipient: { kind: OrgKind.CARRIER },
      partner: { kind: OrgKind.PARTNER },
    });
  });

  afterAll(() => hub?.close());

  it('reaches exactly the audience its label implies, by query and live', async () => {
    const viewers = ['carrier', 'recipient', 'partner', 'ministry'] as const;
    const feeds = Object.fromEntries(await Promise.all(viewers.map(async (name) => [name, await subscribe(hub.wsUrl, { token: m[name].token }, FEED)])));
    const published: Record<string, string> = {};
    for (const tlp of ['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED']) {
      const input = { title: `Advisory ${tlp}`, body: 'Apply max-prefix limits on transit sessions.', tlp, recipientOrgIds: tlp === 'RED' ? [m.recipient.org.id] : null };
      published[tlp] = (await graphqlOk(hub.url, PUBLISH, { input }, { token: m.isac.token })).publishAdvisory.id;
    }
    const sentinel = (await graphqlOk(hub.url, PUBLISH, { input: { title: 'Sentinel', body: '.', tlp: 'CLEAR' } }, { token: m.ministry.token }))
      .publishAdvisory.id;

    for (const name of viewers) {
      const kind = m[name].org.kind;
      const expected = Object.entries(published)
        .filter(([tlp]) => (tlp === 'RED' ? name === 'recipient' || kind === OrgKind.MINISTRY : RECEIVES[tlp].includes(kind)))
        .map(([, id]) => id);
      const listed = (await graphqlOk(hub.url, LIST, {}, { token: m[name].token })).advisories.edges.map((edge: any) => edge.node.id);
      expect(listed.filter((id: string) => id !== sentinel).sort()).toEqual([...expected].sort());
      const feed = feeds[name];
      await feed.waitFor(expected.length + 1);
      const live = feed.events.map((event: any) => event.advisoryPublished.advisory.id);
      expect(live).toEqual([...Object.values(published).filter((id) => expected.includes(id)), sentinel]);
      await feed.dispose();
    }
    const anonymous = (await graphqlOk(hub.url, LIST)).advisories.edges.map((edge: any) => edge.node.id);
    expect(anonymous.sort()).toEqual([published.CLEAR, sentinel].sort());
  });

  it('lets only the ministry and ISAC publish, and names the field of bad input', async () => {
    const refused = await graphql(hub.url, PUBLISH, { input: { title: 'Nope', body: 'x', tlp: 'GREEN' } }, { token: m.carrier.token });
    expect(refused.errors![0].extensions!.code).toBe('FORBIDDEN');
    const red = await graphql(hub.url, PUBLISH, { input: { title: 'Red alert', body: 'x', tlp: 'RED' } }, { token: m.ministry.token });
    expect(red.errors![0].extensions!.fieldErrors[0].field).toBe('recipientOrgIds');
    const badIncident = await graphql(
      hub.url,
      PUBLISH,
      { input: { title: 'Linked', body: 'x', tlp: 'GREEN', incidentId: '01a20742-0000-7000-8000-000000000000' } },
      { token: m.ministry.token },
    );
    expect(badIncident.errors![0].extensions!.fieldErrors[0].field).toBe('incidentId');
    const short = await graphql(hub.url, PUBLISH, { input: { title: 'x', body: '', tlp: 'GREEN' } }, { token: m.ministry.token });
    expect(short.errors![0].extensions!.fieldErrors.map((error: any) => error.field).sort()).toEqual(['body', 'title']);
  });
});
