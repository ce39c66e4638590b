import { OrgKind } from '@kessetsu/schema';
import { graphqlOk } from './support/graphql-request.util.js';
import { Member, seedMembers } from './support/seed-orgs.util.js';
import { FEED, LIST, PUBLISH, trafficDrop } from './support/signal-fixtures.util.js';
import { startTestHub, TestHub } from './support/test-hub.util.js';
import { subscribe } from './support/ws-client.util.js';

describe('signalPublished live feed', () => {
  let hub: TestHub;
  let members: Record<'publisher' | 'watcher', Member>;

  const publishOne = async (overrides: Record<string, unknown> = {}): Promise<string> => {
    const data = await graphqlOk(hub.url, PUBLISH, { signals: [trafficDrop(overrides)] }, { token: members.publisher.token });
    return data.publishSignals[0].signal.id;
  };

  beforeAll(async () => {
    hub = await startTestHub();
    members = await seedMembers(hub, { publisher: { kind: OrgKind.CARRIER }, watcher: { kind: OrgKind.CARRIER } });
  });

  afterAll(() => hub?.close());

  it('resumes after a disconnect from the last cursor with no gap and no duplicate, while publishing goes on', async () => {
    const service = 'resume-test';
    const filter = { services: [service] };
    const first = await subscribe(hub.wsUrl, { token: members.watcher.token }, FEED, { filter });
    const publishedIds: string[] = [];
    for (let i = 0; i < 5; i += 1) publishedIds.push(await publishOne({ service }));
    await first.waitFor(5);
    const resumeFrom = first.events[4].signalPublished.cursor;
    await first.dispose();

    for (let i = 0; i < 5; i += 1) publishedIds.push(await publishOne({ service }));
    let publishing = true;
    const background = (async () => {
      for (let i = 0; i < 20; i += 1) publishedIds.push(await publishOne({ service }));
      publishing = false;
    })();
    const resumed = await subscribe(hub.wsUrl, { token: members.watcher.token }, FEED, { filter, after: resumeFrom });
    await background;
    expect(publishing).toBe(false);
    const events = await resumed.waitFor(25);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const receivedIds = resumed.events.map((event) => event.signalPublished.signal.id);
    expect(receivedIds).toEqual(publishedIds.slice(5));
    expect(new Set(events.map((event) => event.signalPublished.cursor)).size).toBe(25);
    await resumed.dispose();
  });

  it('continues from a cursor handed out by the signals query', async () => {
    const service = 'query-then-feed';
    await publishOne({ service });
    const page = await graphqlOk(hub.url, LIST, { filter: { services: [service] }, last: 10 }, { token: members.watcher.token });
    const missed = [await publishOne({ service }), await publishOne({ service })];
    const feed = await subscribe(hub.wsUrl, { token: members.watcher.token }, FEED, {
      filter: { services: [service] },
      after: page.signals.pageInfo.endCursor,
    });
    const live = await publishOne({ service });
    const events = await feed.waitFor(3);
    expect(events.map((event) => event.signalPublished.signal.id)).toEqual([...missed, live]);
    await feed.dispose();
  });

  it('applies the filter to live delivery as the query does', async () => {
    const feed = await subscribe(hub.wsUrl, { token: members.watcher.token }, FEED, {
      filter: { regions: ['40'], severities: ['CRITICAL'] },
    });
    await publishOne({ regions: ['13'], severity: 'CRITICAL' });
    await publishOne({ regions: ['40'], severity: 'MINOR' });
    const wanted = await publishOne({ regions: ['40', '41'], severity: 'CRITICAL' });
    const nationwide = await publishOne({ regions: ['NATIONWIDE'], severity: 'CRITICAL' });
    const events = await feed.waitFor(2);
    expect(events.map((event) => event.signalPublished.signal.id)).toEqual([wanted, nationwide]);
    await feed.dispose();
  });

  it('counts live subscribers in /metrics', async () => {
    const feed = await subscribe(hub.wsUrl, { token: members.watcher.token }, FEED);
    await publishOne();
    await feed.waitFor(1);
    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    expect(metrics).toMatch(/kessetsu_live_subscribers\{feed="signal"\} 1\b/);
    expect(metrics).toMatch(/kessetsu_live_connections 1\b/);
    await feed.dispose();
  });
});
