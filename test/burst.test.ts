import { OrgKind } from '@kessetsu/schema';
import { graphqlOk } from './support/graphql-request.util.js';
import { Member, seedMembers } from './support/seed-orgs.util.js';
import { startTestHub, TestHub } from './support/test-hub.util.js';
import { subscribe } from './support/ws-client.util.js';

const PUBLISH = `mutation($signals: [SignalInput!]!) { publishSignals(signals: $signals) { incident { id } } }`;
const UPDATES = `subscription { incidentUpdated { cursor incident { id status orgCount signalCount } } }`;
const TOTAL = 100_000;
const BATCH = 5_000;

/** A leak's worth of route anomalies from three organisations must not flood the incident feed. */
describe('100,000-signal route-anomaly burst', () => {
  let hub: TestHub;
  let m: Record<'isac' | 'kddi' | 'iij' | 'watcher', Member>;

  beforeAll(async () => {
    hub = await startTestHub({ HUB_MAX_BATCH_SIZE: String(BATCH) });
    m = await seedMembers(hub, {
      isac: { kind: OrgKind.ISAC },
      kddi: { kind: OrgKind.CARRIER, asns: [64501] },
      iij: { kind: OrgKind.CARRIER, asns: [64503] },
      watcher: { kind: OrgKind.CARRIER },
    });
  });

  afterAll(() => hub?.close());

  it('yields a handful of incidents and a bounded number of updates per subscriber', async () => {
    const feed = await subscribe(hub.wsUrl, { token: m.watcher.token }, UPDATES);
    const publishers = [m.isac, m.kddi, m.iij];
    const started = Date.now();
    const incidents = new Set<string>();
    for (let offset = 0; offset < TOTAL; offset += BATCH) {
      const publisher = publishers[(offset / BATCH) % publishers.length];
      const signals = Array.from({ length: BATCH }, (_, i) => {
        const n = offset + i;
        return {
          sourceRef: `leak-${n}`,
          kind: 'ROUTE_ANOMALY',
          severity: 'CRITICAL',
          tlp: 'AMBER',
          observedStart: new Date(Date.parse('2024-06-01T03:22:00Z') + (n % 600) * 1000).toISOString(),
          regions: ['NATIONWIDE'],
          service: 'internet',
          routeAnomaly: {
            anomalyType: 'MORE_SPECIFIC',
            prefixes: [`10.${(n >> 8) & 255}.${n & 255}.0/24`],
            originAsn: 64500,
            leakingAsn: 64666,
            asPath: [64501, 64496, 64666, 64500],
          },
        };
      });
      const data = await graphqlOk(hub.url, PUBLISH, { signals }, { token: publisher.token });
      for (const result of data.publishSignals) incidents.add(result.incident.id);
    }
    const elapsedSeconds = (Date.now() - started) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const updates = feed.events.map((event) => event.incidentUpdated);
    const last = updates.at(-1);

    expect(incidents.size).toBeLessThanOrEqual(3);
    expect(last.incident).toMatchObject({ status: 'CROSS_CARRIER', orgCount: 3, signalCount: TOTAL });
    // One message per incident per second at most, over the burst and the drain after it.
    expect(updates.length).toBeLessThanOrEqual(incidents.size * (Math.ceil(elapsedSeconds) + 3));
    process.stdout.write(
      `burst: ${TOTAL} signals in ${elapsedSeconds.toFixed(1)} s, ${incidents.size} incident(s), ${updates.length} incident-feed messages\n`,
    );
    await feed.dispose();
  }, 300_000);
});
