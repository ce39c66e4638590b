import fc from 'fast-check';
import { ApiKeyScope, OrgKind, UserRole } from '@kessetsu/schema';
import { ApiKeysService } from '../apps/hub/src/api-keys/api-keys.service.js';
import { graphqlOk, Credentials } from './support/graphql-request.util.js';
import { seedMembers, MemberSpec, Member } from './support/seed-orgs.util.js';
import { trafficDrop } from './support/signal-fixtures.util.js';
import { startTestHub, TestHub } from './support/test-hub.util.js';
import { LiveFeed, subscribe } from './support/ws-client.util.js';

const FEED = `subscription { signalPublished { cursor signal { id text sourceRef publisher { pseudonym organization { id } } } } }`;
const INCIDENT_FEED = `subscription { incidentUpdated { incident { id } } }`;
const TLP_ORDER = ['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED'];

/** An incident is shown to its participants, and to others as its most restrictive label allows. */
function mayReceiveIncident(viewer: Viewer, signals: Published[]): boolean {
  if (viewer.org && signals.some((signal) => signal.publisher.id === viewer.org!.id)) return true;
  const label = signals.reduce((worst, signal) => (TLP_ORDER.indexOf(signal.tlp) > TLP_ORDER.indexOf(worst) ? signal.tlp : worst), 'CLEAR' as Published['tlp']);
  const redRecipients = signals
    .filter((signal) => signal.tlp === 'RED')
    .map((signal) => signal.recipients)
    .reduce<string[] | null>((common, recipients) => (common === null ? recipients : common.filter((id) => recipients.includes(id))), null);
  const outsider: Published = { id: '', tlp: label, publisher: { id: 'nobody', kind: OrgKind.CARRIER }, recipients: redRecipients ?? [] };
  return mayReceive(viewer, outsider);
}

/**
 * A random world — organisations of every kind, people of every role, keys of every
 * scope, signals of every label with random RED recipients and personal data in
 * their text — checked on every read path against the brief's rules, restated here.
 */
const SEED = Number(process.env.PROPERTY_SEED ?? 4713);
const TLPS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED'] as const;
const KINDS = [OrgKind.CARRIER, OrgKind.ISAC, OrgKind.MINISTRY, OrgKind.PARTNER];
const PII = ['03-9876-5432', 'subscriber@example.ne.jp', '198.51.100.23'];

interface Org {
  id: string;
  kind: OrgKind;
}
interface Published {
  id: string;
  tlp: (typeof TLPS)[number];
  publisher: Org;
  recipients: string[];
}
interface Viewer {
  label: string;
  org: Org | null;
  reads: boolean;
  credentials: Credentials;
}

function mayReceive(viewer: Viewer, signal: Published): boolean {
  const own = viewer.org?.id === signal.publisher.id;
  if (own) return true;
  if (signal.tlp === 'CLEAR') return true;
  if (!viewer.org || !viewer.reads) return false;
  switch (signal.tlp) {
    case 'GREEN':
      return true;
    case 'AMBER':
      return viewer.org.kind !== OrgKind.PARTNER;
    case 'AMBER_STRICT':
      return viewer.org.kind === OrgKind.MINISTRY;
    case 'RED':
      return viewer.org.kind === OrgKind.MINISTRY || signal.recipients.includes(viewer.org.id);
  }
}

const maySeeIdentity = (viewer: Viewer, signal: Published) =>
  viewer.org !== null && (viewer.org.id === signal.publisher.id || viewer.org.kind === OrgKind.MINISTRY);

describe('access policy properties over a random world', () => {
  let hub: TestHub;
  const published: Published[] = [];
  const viewers: Viewer[] = [];
  const feeds = new Map<Viewer, LiveFeed<any>>();
  const incidentFeeds = new Map<Viewer, LiveFeed<any>>();
  const advisories: { id: string; tlp: Published['tlp']; issuer: string; recipients: string[] }[] = [];
  let orgs: Org[] = [];
  let sentinel: string;

  beforeAll(async () => {
    hub = await startTestHub({ HUB_PUBLISH_REQUESTS_PER_MINUTE: '100000' });
    const world = fc.sample(
      fc.record({
        orgKinds: fc.array(fc.constantFrom(...KINDS), { minLength: 16, maxLength: 16 }),
        people: fc.array(fc.record({ org: fc.nat(15), role: fc.constantFrom(UserRole.VIEWER, UserRole.PUBLISHER, UserRole.ADMIN) }), {
          minLength: 24,
          maxLength: 24,
        }),
        keys: fc.array(fc.record({ org: fc.nat(15), scopes: fc.subarray([ApiKeyScope.SIGNALS_READ, ApiKeyScope.SIGNALS_PUBLISH], { minLength: 1 }) }), {
          minLength: 12,
          maxLength: 12,
        }),
        signals: fc.array(
          fc.record({ publisher: fc.nat(15), tlp: fc.constantFrom(...TLPS), recipients: fc.subarray([...Array(16).keys()], { minLength: 1, maxLength: 3 }) }),
          { minLength: 1000, maxLength: 1000 },
        ),
      }),
      { seed: SEED, numRuns: 1 },
    )[0];
    // The first two are the ministry and ICT-ISAC, so that advisories have issuers.
    world.orgKinds[0] = OrgKind.MINISTRY;
    world.orgKinds[1] = OrgKind.ISAC;
    // Every organisation gets a publisher so that any of them can publish.
    const specs: Record<string, MemberSpec> = {};
    world.orgKinds.forEach((kind, index) => (specs[`org${index}`] = { kind }));
    world.people.forEach((person, index) => (specs[`person${index}`] = { kind: world.orgKinds[person.org], sameOrgAs: `org${person.org}`, role: person.role }));
    const members: Record<string, Member> = await seedMembers(hub, specs);
    orgs = world.orgKinds.map((kind, index) => ({ id: members[`org${index}`].org.id, kind }));
    viewers.push({ label: 'anonymous', org: null, reads: false, credentials: {} });
    world.people.forEach((person, index) =>
      viewers.push({ label: `${person.role} of ${world.orgKinds[person.org]}`, org: orgs[person.org], reads: true, credentials: { token: members[`person${index}`].token } }),
    );
    const keys = hub.app.get(ApiKeysService);
    for (const [index, key] of world.keys.entries()) {
      const created = await keys.insert(orgs[key.org].id, `key${index}`, key.scopes, null);
      viewers.push({
        label: `key [${key.scopes.join(',')}] of ${world.orgKinds[key.org]}`,
        org: orgs[key.org],
        reads: key.scopes.includes(ApiKeyScope.SIGNALS_READ),
        credentials: { apiKey: created.key },
      });
    }
    for (const viewer of viewers) {
      if (!viewer.org) continue;
      feeds.set(viewer, await subscribe(hub.wsUrl, viewer.credentials, FEED));
      incidentFeeds.set(viewer, await subscribe(hub.wsUrl, viewer.credentials, INCIDENT_FEED));
    }
    for (const [index, tlp] of TLPS.entries()) {
      const issuer = index % 2 === 0 ? 0 : 1;
      const recipients = tlp === 'RED' ? [orgs[(index + 3) % orgs.length].id] : [];
      const data = await graphqlOk(
        hub.url,
        `mutation($i: PublishAdvisoryInput!) { publishAdvisory(input: $i) { id } }`,
        { i: { title: `Advisory ${tlp}`, body: 'Check max-prefix filters.', tlp, recipientOrgIds: tlp === 'RED' ? recipients : null } },
        { token: members[`org${issuer}`].token },
      );
      advisories.push({ id: data.publishAdvisory.id, tlp, issuer: orgs[issuer].id, recipients });
    }
    for (const [publisherIndex, org] of orgs.entries()) {
      const mine = world.signals.filter((signal) => signal.publisher === publisherIndex);
      if (mine.length === 0) continue;
      const inputs = mine.map((signal, i) => {
        const recipients = signal.tlp === 'RED' ? [...new Set(signal.recipients.map((r) => orgs[r].id))] : null;
        return {
          meta: { tlp: signal.tlp, recipients: recipients ?? [] },
          input: trafficDrop({
            tlp: signal.tlp,
            recipientOrgIds: recipients,
            regions: [String((i % 47) + 1).padStart(2, '0')],
            text: `Contact ${PII.join(' / ')}`,
          }),
        };
      });
      const data = await graphqlOk(
        hub.url,
        `mutation($s: [SignalInput!]!) { publishSignals(signals: $s) { signal { id } } }`,
        { s: inputs.map((entry) => entry.input) },
        { token: members[`org${publisherIndex}`].token },
      );
      data.publishSignals.forEach((result: any, i: number) =>
        published.push({ id: result.signal.id, tlp: inputs[i].meta.tlp, publisher: org, recipients: inputs[i].meta.recipients }),
      );
    }
    // Delivery follows commit order: once this CLEAR signal arrives, everything before it has.
    const last = await graphqlOk(
      hub.url,
      `mutation($s: [SignalInput!]!) { publishSignals(signals: $s) { signal { id } } }`,
      { s: [trafficDrop({ tlp: 'CLEAR', regions: ['47'] })] },
      { token: members.org0.token },
    );
    sentinel = last.publishSignals[0].signal.id;
  }, 120_000);

  afterAll(async () => {
    for (const feed of [...feeds.values(), ...incidentFeeds.values()]) await feed.dispose();
    await hub?.close();
  });

  it('delivers every live subscriber exactly the signals the rules allow, once each', async () => {
    for (const [viewer, feed] of feeds) {
      for (let waited = 0; !feed.events.some((event) => event.signalPublished.signal.id === sentinel); waited += 50) {
        if (waited > 20_000) throw new Error(`${viewer.label} never received the sentinel`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const received = feed.events.map((event) => event.signalPublished.signal).filter((signal) => signal.id !== sentinel);
      expect(new Set(received.map((signal) => signal.id)).size).toBe(received.length);
      const expected = published.filter((signal) => mayReceive(viewer, signal)).map((signal) => signal.id).sort();
      expect({ viewer: viewer.label, ids: received.map((signal) => signal.id).sort() }).toEqual({ viewer: viewer.label, ids: expected });
      for (const signal of received) {
        const truth = published.find((candidate) => candidate.id === signal.id)!;
        if (!maySeeIdentity(viewer, truth)) {
          expect(signal.publisher.organization).toBeNull();
          for (const datum of PII) expect(signal.text).not.toContain(datum);
        }
      }
    }
  }, 60_000);

  it('names organisations by pseudonyms that are one-to-one inside an incident and differ across incidents', async () => {
    const carrier = viewers.find((viewer) => viewer.org && viewer.org.kind !== OrgKind.MINISTRY && viewer.reads)!;
    const { incidents } = await graphqlOk(
      hub.url,
      `{ incidents(first: 200) { edges { node { id orgCount participants { pseudonym } signals { id publisher { pseudonym } } } } } }`,
      {},
      carrier.credentials,
    );
    const pseudonymsByOrg = new Map<string, Set<string>>();
    for (const { node } of incidents.edges) {
      const byPseudonym = new Map<string, string>();
      for (const signal of node.signals.filter((candidate: { id: string }) => candidate.id !== sentinel)) {
        const org = published.find((candidate) => candidate.id === signal.id)!.publisher.id;
        expect(byPseudonym.get(signal.publisher.pseudonym) ?? org).toBe(org);
        byPseudonym.set(signal.publisher.pseudonym, org);
        pseudonymsByOrg.set(org, (pseudonymsByOrg.get(org) ?? new Set()).add(`${node.id}:${signal.publisher.pseudonym}`));
      }
      expect(new Set(node.participants.map((p: any) => p.pseudonym)).size).toBe(node.orgCount);
    }
    let acrossIncidents = 0;
    for (const scoped of pseudonymsByOrg.values()) {
      const names = [...scoped].map((entry) => entry.split(':')[1]);
      expect(new Set(names).size).toBe(names.length);
      acrossIncidents += names.length - 1;
    }
    expect(acrossIncidents).toBeGreaterThan(0);
  });

  it('shows every viewer exactly the signals the rules allow, shaped by the rules, with identity-free cursors', async () => {
    let checked = 0;
    for (const viewer of viewers) {
      const seen = new Map<string, any>();
      let after: string | null = null;
      for (;;) {
        const page: any = await graphqlOk(
          hub.url,
          `query($after: String) { signals(first: 200, after: $after) {
            edges { cursor node { id text sourceRef publisher { pseudonym organization { id } } recipientOrganizations { id } } }
            pageInfo { hasNextPage endCursor } } }`,
          { after },
          viewer.credentials,
        );
        for (const edge of page.signals.edges) {
          expect(Buffer.from(edge.cursor, 'base64url').toString()).toMatch(/^signal:\d+$/);
          seen.set(edge.node.id, edge.node);
        }
        if (!page.signals.pageInfo.hasNextPage) break;
        after = page.signals.pageInfo.endCursor;
      }
      for (const signal of published) {
        checked += 1;
        const node = seen.get(signal.id);
        const context = `${viewer.label} reading ${signal.tlp} of ${signal.publisher.kind}`;
        expect({ context, visible: Boolean(node) }).toEqual({ context, visible: mayReceive(viewer, signal) });
        if (!node) continue;
        const serialised = JSON.stringify(node);
        if (maySeeIdentity(viewer, signal)) {
          expect(node.publisher.organization.id).toBe(signal.publisher.id);
        } else {
          expect({ context, organization: node.publisher.organization, sourceRef: node.sourceRef }).toEqual({ context, organization: null, sourceRef: null });
          expect(serialised).not.toContain(signal.publisher.id);
          for (const datum of PII) expect(serialised).not.toContain(datum);
          for (const recipient of signal.recipients) if (recipient !== viewer.org?.id) expect(serialised).not.toContain(recipient);
        }
      }
    }
    expect(checked).toBeGreaterThanOrEqual(30_000);
  }, 120_000);

  it('shows incidents and advisories, queried and live, exactly as the rules allow', async () => {
    const ministry = viewers.find((viewer) => viewer.org?.kind === OrgKind.MINISTRY && viewer.reads)!;
    const all = await graphqlOk(hub.url, `{ incidents(first: 200) { edges { node { id signals { id } } } } }`, {}, ministry.credentials);
    const incidentSignals = new Map<string, Published[]>(
      all.incidents.edges.map((edge: any) => [
        edge.node.id,
        edge.node.signals.flatMap((signal: { id: string }) => published.filter((candidate) => candidate.id === signal.id)),
      ]),
    );
    await new Promise((resolve) => setTimeout(resolve, 2500));
    for (const viewer of viewers) {
      const queried = await graphqlOk(hub.url, `{ incidents(first: 200) { edges { node { id } } } advisories(first: 50) { edges { node { id } } } }`, {}, viewer.credentials);
      const incidentIds = queried.incidents.edges.map((edge: any) => edge.node.id).sort();
      const expectedIncidents = [...incidentSignals].filter(([, signals]) => signals.length > 0 && mayReceiveIncident(viewer, signals)).map(([id]) => id).sort();
      expect({ viewer: viewer.label, incidents: incidentIds.filter((id: string) => incidentSignals.get(id)?.length) }).toEqual({ viewer: viewer.label, incidents: expectedIncidents });
      const feed = incidentFeeds.get(viewer);
      if (feed) {
        // Live updates went out while the incident was visible; it may have grown more restrictive since.
        const live = new Set(feed.events.map((event) => event.incidentUpdated.incident.id as string));
        for (const id of expectedIncidents) expect({ viewer: viewer.label, id, live: live.has(id) }).toEqual({ viewer: viewer.label, id, live: true });
        for (const id of live) {
          const signals = incidentSignals.get(id) ?? [];
          const everVisible = signals.some((_, index) => mayReceiveIncident(viewer, signals.slice(0, index + 1)));
          expect({ viewer: viewer.label, id, everVisible }).toEqual({ viewer: viewer.label, id, everVisible: signals.length > 0 });
        }
      }
      const advisoryIds = queried.advisories.edges.map((edge: any) => edge.node.id).sort();
      const expectedAdvisories = advisories
        .filter((advisory) => mayReceive(viewer, { id: advisory.id, tlp: advisory.tlp, publisher: orgs.find((org) => org.id === advisory.issuer)!, recipients: advisory.recipients }))
        .map((advisory) => advisory.id)
        .sort();
      expect({ viewer: viewer.label, advisories: advisoryIds }).toEqual({ viewer: viewer.label, advisories: expectedAdvisories });
    }
  }, 60_000);

  it('never shows a non-ministry viewer an aggregate cell of fewer than k organisations', async () => {
    for (const viewer of viewers) {
      const { aggregates } = await graphqlOk(
        hub.url,
        `{ aggregates(from: "2017-08-25T03:00:00Z", to: "2017-08-25T05:00:00Z", bucket: HOUR, groupBy: [REGION]) { cells { suppressed orgCount signalCount } } }`,
        {},
        viewer.credentials,
      );
      const ministry = viewer.org?.kind === OrgKind.MINISTRY && viewer.reads;
      for (const cell of aggregates.cells) {
        if (ministry) expect(cell.suppressed).toBe(false);
        else if (cell.suppressed) expect([cell.orgCount, cell.signalCount]).toEqual([null, null]);
        else expect(cell.orgCount).toBeGreaterThanOrEqual(3);
      }
    }
  }, 60_000);
});
