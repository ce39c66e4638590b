import WebSocket from 'ws';
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

describe('a live subscriber that stops reading', () => {
  const BACKLOG = 100;
  const BATCH = 40;
  const SIGNALS = 3000;
  let hub: TestHub;
  let members: Record<'publisher' | 'watcher', Member>;

  beforeAll(async () => {
    hub = await startTestHub({ HUB_FEED_MAX_BACKLOG: String(BACKLOG) });
    members = await seedMembers(hub, { publisher: { kind: OrgKind.CARRIER }, watcher: { kind: OrgKind.CARRIER } });
  });

  afterAll(() => hub?.close());

  it('is ended once its socket and backlog are full, and resumes from its cursor with nothing lost or repeated', async () => {
    const service = 'stalled-reader';
    const socket = new WebSocket(hub.wsUrl, 'graphql-transport-ws');
    const messages: { id?: string; type: string; payload?: any }[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(String(data))));
    const next = async (type: string, id?: string) => {
      const deadline = Date.now() + 15_000;
      for (;;) {
        const found = messages.find((message) => message.type === type && (id === undefined || message.id === id));
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no ${type} for ${id}; got ${messages.length} messages`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    const events = (id: string) => messages.filter((message) => message.id === id && message.type === 'next').map((message) => message.payload.data.signalPublished);
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${members.watcher.token}` } }));
    await next('connection_ack');
    socket.send(JSON.stringify({ id: 'stalled', type: 'subscribe', payload: { query: FEED, variables: { filter: { services: [service] } } } }));
    const [probe] = (await graphqlOk(hub.url, PUBLISH, { signals: [trafficDrop({ service })] }, { token: members.publisher.token })).publishSignals;
    await next('next', 'stalled');

    // Several megabytes of events: more than the socket buffers, 64 KB unsent and the backlog hold together.
    socket.pause();
    const publishedIds: string[] = [probe.signal.id];
    const text = `Stalled-reader test ${'x'.repeat(3900)}`;
    // Batches well under the backlog: a batch larger than it would end the feed at once, socket or not.
    for (let batch = 0; batch < SIGNALS / BATCH; batch += 1) {
      const signals = Array.from({ length: BATCH }, () => trafficDrop({ service, text }));
      const data = await graphqlOk(hub.url, PUBLISH, { signals }, { token: members.publisher.token });
      publishedIds.push(...data.publishSignals.map((outcome: { signal: { id: string } }) => outcome.signal.id));
    }
    socket.resume();
    await next('complete', 'stalled');
    const beforeEnd = events('stalled');
    expect(beforeEnd.length).toBeGreaterThan(BACKLOG);
    expect(beforeEnd.length).toBeLessThan(publishedIds.length);
    expect(beforeEnd.map((event) => event.signal.id)).toEqual(publishedIds.slice(0, beforeEnd.length));

    socket.send(
      JSON.stringify({ id: 'resumed', type: 'subscribe', payload: { query: FEED, variables: { filter: { services: [service] }, after: beforeEnd.at(-1).cursor } } }),
    );
    const deadline = Date.now() + 30_000;
    while (beforeEnd.length + events('resumed').length < publishedIds.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect([...beforeEnd, ...events('resumed')].map((event) => event.signal.id)).toEqual(publishedIds);
    socket.close();
  });
});
