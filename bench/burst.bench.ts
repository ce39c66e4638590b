import { OrgKind, TlpLabel, UserRole } from '@kessetsu/schema';
import { canViewIncident } from '@kessetsu/auth';
import { benchDatabase, envNumber, forkBenchHub, ms, postJson, table, verdict, viewerOf } from './bench-hub.js';
import { openSubscriber } from './live-clients.js';

const TOTAL = envNumber('BENCH_SIGNALS', 100_000);
const BATCH = 1000;
const PUBLISHERS = 3;
const UPDATES = `subscription { incidentUpdated { cursor incident { id status orgCount signalCount tlp } } }`;
const PUBLISH = `mutation($signals: [SignalInput!]!) { publishSignals(signals: $signals) { index } }`;

/** Warm-up signals: a separate leak (other ASNs and prefixes), so that its incident stays apart from the measured one. */
const WARMUP_SIGNALS = 6000;

function leak(n: number, warmup = false) {
  return {
    sourceRef: `${warmup ? 'warmup' : 'leak'}-${n}`,
    kind: 'ROUTE_ANOMALY',
    severity: 'CRITICAL',
    tlp: 'AMBER',
    observedStart: new Date(Date.now() - 600_000 + (n % 600) * 1000).toISOString(),
    regions: ['NATIONWIDE'],
    service: 'internet',
    routeAnomaly: {
      anomalyType: 'MORE_SPECIFIC',
      prefixes: [`${warmup ? 11 : 10}.${(n >> 8) & 255}.${n & 255}.0/24`],
      originAsn: warmup ? 64510 : 64500,
      leakingAsn: warmup ? 64677 : 64666,
      asPath: warmup ? [64511, 64677, 64510] : [64501, 64496, 64666, 64500],
    },
  };
}

/** 100,000 route anomalies from three organisations at once, as in the 2017 leak, with watchers of every tier. */
export async function burstBench(): Promise<void> {
  const database = await benchDatabase();
  const hub = await forkBenchHub(database.url);
  try {
    const members = await hub.seed([
      { name: 'burst-isac', kind: OrgKind.ISAC, role: UserRole.PUBLISHER },
      { name: 'burst-kddi', kind: OrgKind.CARRIER, role: UserRole.PUBLISHER, asns: [64501] },
      { name: 'burst-iij', kind: OrgKind.CARRIER, role: UserRole.PUBLISHER, asns: [64503] },
      { name: 'burst-watcher', kind: OrgKind.CARRIER, role: UserRole.VIEWER },
      { name: 'burst-ministry', kind: OrgKind.MINISTRY, role: UserRole.VIEWER },
      { name: 'burst-partner', kind: OrgKind.PARTNER, role: UserRole.VIEWER },
      { name: 'burst-warmup', kind: OrgKind.ISAC, role: UserRole.PUBLISHER },
    ]);
    const publishers = members.slice(0, PUBLISHERS);
    const watchers = members.slice(PUBLISHERS, PUBLISHERS + 3);
    // A hub that has run for a while has compiled its hot paths; a fresh process has not.
    const warmupPublisher = members[PUBLISHERS + 3];
    for (let offset = 0; offset < WARMUP_SIGNALS; offset += BATCH) {
      const signals = Array.from({ length: BATCH }, (_, i) => leak(offset + i, true));
      const body: { errors?: unknown } = await postJson(`${hub.url}/graphql`, { query: PUBLISH, variables: { signals } }, { authorization: `Bearer ${warmupPublisher.token}` });
      if (body.errors) throw new Error(JSON.stringify(body.errors).slice(0, 500));
    }
    const received = watchers.map(() => [] as { at: number; update: any }[]);
    const errors: string[] = [];
    const subscribers = await Promise.all(
      watchers.map((watcher, i) =>
        openSubscriber({
          url: hub.wsUrl,
          token: watcher.token,
          query: UPDATES,
          onNext: (payload, at) => received[i].push({ at, update: payload?.data?.incidentUpdated }),
          onError: (error) => errors.push(error),
        }),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const sentAt = new Map<string, number>();
    const started = performance.now();
    await Promise.all(
      publishers.map(async (publisher, p) => {
        for (let offset = p * BATCH; offset < TOTAL; offset += PUBLISHERS * BATCH) {
          const signals = Array.from({ length: Math.min(BATCH, TOTAL - offset) }, (_, i) => leak(offset + i));
          if (!sentAt.has(publisher.orgId)) sentAt.set(publisher.orgId, performance.now());
          const body: { errors?: unknown } = await postJson(`${hub.url}/graphql`, { query: PUBLISH, variables: { signals } }, { authorization: `Bearer ${publisher.token}` });
          if (body.errors) throw new Error(JSON.stringify(body.errors).slice(0, 500));
        }
      }),
    );
    const committedMs = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 3000));
    for (const subscriber of subscribers) subscriber.close();

    const secondOrgAt = [...sentAt.values()].sort((a, b) => a - b)[1];
    const watcherUpdates = received[0];
    const crossCarrierAt = watcherUpdates.find(({ update }) => update?.incident.status === 'CROSS_CARRIER')?.at;
    const crossCarrierMs = crossCarrierAt === undefined ? Number.POSITIVE_INFINITY : Math.max(0, crossCarrierAt - secondOrgAt);
    let misrouted = 0;
    let duplicates = 0;
    let lost = 0;
    watchers.forEach((watcher, i) => {
      const cursors = new Set<string>();
      for (const { update } of received[i]) {
        if (cursors.has(update.cursor)) duplicates += 1;
        cursors.add(update.cursor);
        const { incident } = update;
        if (!canViewIncident(viewerOf(watcher), { tlp: incident.tlp as TlpLabel, participantOrgIds: [], recipientOrgIds: [] })) misrouted += 1;
      }
      const allowed = canViewIncident(viewerOf(watcher), { tlp: TlpLabel.AMBER, participantOrgIds: [], recipientOrgIds: [] });
      const last = received[i].at(-1)?.update.incident;
      if (allowed && !(last?.signalCount === TOTAL && last?.orgCount === PUBLISHERS)) lost += 1;
    });
    const perSubscriber = Math.max(...received.map((updates) => updates.length));
    table(`burst: ${TOTAL} route anomalies from ${PUBLISHERS} organisations at once, batches of ${BATCH} (bench/burst.bench.ts)`, [
      ['all committed in', ms(committedMs), `limit 10,000 ms: ${verdict(committedMs < 10_000)}`],
      ['throughput', `${((TOTAL / committedMs) * 1000).toFixed(0)} signals/s`, ''],
      ['incident-feed messages per subscriber (max)', String(perSubscriber), `limit 50: ${verdict(perSubscriber <= 50)}`],
      ['cross-carrier seen after the second org\'s first signal', ms(crossCarrierMs), `limit 1,000 ms: ${verdict(crossCarrierMs <= 1000)}`],
      ['subscribers (carrier, ministry, partner) messages', received.map((updates) => updates.length).join(', '), 'partner sees none (AMBER)'],
      ['misrouted (policy forbids the viewer)', String(misrouted), `must be 0: ${verdict(misrouted === 0)}`],
      ['final state missing for an allowed subscriber', String(lost), `must be 0: ${verdict(lost === 0)}`],
      ['duplicates', String(duplicates), `must be 0: ${verdict(duplicates === 0)}`],
      ['client errors', String(errors.length), 'must be 0'],
    ]);
  } finally {
    await hub.stop();
    await database.close();
  }
}
