import { OrgKind, UserRole } from '@kessetsu/schema';
import { benchDatabase, envNumber, forkBenchHub, ms, percentile, postJson, table, verdict } from './bench-hub.js';

const CLIENTS = 32;
const SECONDS = envNumber('BENCH_SECONDS', 20);
const WARMUP_SECONDS = 3;
const PUBLISH = `mutation($signals: [SignalInput!]!) { publishSignals(signals: $signals) { signal { id } incident { id } } }`;

function signalInput(client: number, n: number) {
  return {
    sourceRef: `latency-${client}-${n}`,
    kind: 'TRAFFIC_DROP',
    severity: 'MAJOR',
    tlp: n % 3 === 0 ? 'AMBER' : 'GREEN',
    observedStart: new Date(Date.now() - 60_000).toISOString(),
    regions: [String((n % 47) + 1).padStart(2, '0')],
    service: 'internet',
    text: `Drop seen by probe ${n}`,
    trafficDrop: { dropPercent: 10 + (n % 50), peerAsn: 64700 + (n % 20) },
  };
}

/** Single-signal publishes from 32 concurrent clients (one carrier each) against a hub in its own process. */
export async function publishLatencyBench(): Promise<void> {
  const database = await benchDatabase();
  const hub = await forkBenchHub(database.url);
  try {
    const members = await hub.seed(
      Array.from({ length: CLIENTS }, (_, i) => ({ name: `latency-carrier-${i}`, kind: OrgKind.CARRIER, role: UserRole.PUBLISHER, asns: [64600 + i] })),
    );
    const latencies: number[] = [];
    let failures = 0;
    const warmupEnds = Date.now() + WARMUP_SECONDS * 1000;
    const ends = warmupEnds + SECONDS * 1000;
    await Promise.all(
      members.map(async (member, client) => {
        for (let n = 0; Date.now() < ends; n += 1) {
          const started = performance.now();
          const body: { errors?: unknown; data?: { publishSignals: { signal: { id: string } }[] } } = await postJson(
            `${hub.url}/graphql`,
            { query: PUBLISH, variables: { signals: [signalInput(client, n)] } },
            { authorization: `Bearer ${member.token}` },
          );
          const elapsed = performance.now() - started;
          if (body.errors || !body.data?.publishSignals[0]?.signal.id) failures += 1;
          else if (Date.now() > warmupEnds) latencies.push(elapsed);
        }
      }),
    );
    latencies.sort((a, b) => a - b);
    const p99 = percentile(latencies, 0.99);
    table(`publish-latency: ${CLIENTS} clients, one signal per publishSignals, ${SECONDS} s after ${WARMUP_SECONDS} s warm-up (bench/publish-latency.bench.ts)`, [
      ['publishes measured', String(latencies.length), ''],
      ['throughput', `${(latencies.length / SECONDS).toFixed(0)} publishes/s`, ''],
      ['failed publishes', String(failures), 'must be 0'],
      ['p50 (request to committed answer)', ms(percentile(latencies, 0.5)), ''],
      ['p95', ms(percentile(latencies, 0.95)), ''],
      ['p99', ms(p99), `limit 25 ms: ${verdict(p99 < 25 && failures === 0)}`],
      ['max', ms(latencies.at(-1) ?? Number.NaN), ''],
    ]);
  } finally {
    await hub.stop();
    await database.close();
  }
}
