import { OrgKind, UserRole } from '@kessetsu/schema';
import { benchDatabase, envNumber, forkBenchHub, ms, percentile, postJson, table, verdict } from './bench-hub.js';

const CLIENTS = 32;
const SECONDS = envNumber('BENCH_SECONDS', 20);
const WARMUP_SECONDS = 3;
/** Paced phase: each NOC publishing ten signals a second, far above a real NOC's rate. */
const RATE_PER_CLIENT = envNumber('BENCH_RATE_PER_CLIENT', 10);
const PUBLISH = `mutation($signals: [SignalInput!]!) { publishSignals(signals: $signals) { signal { id } incident { id } } }`;

function signalInput(phase: string, client: number, n: number) {
  return {
    sourceRef: `latency-${phase}-${client}-${n}`,
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

interface PhaseResult {
  latencies: number[];
  failures: number;
}

/**
 * Each client publishes one signal at a time for SECONDS after a warm-up. Paced, a client
 * sends its n-th publish at start + n / rate and its latency counts from that scheduled
 * time, so waiting behind a slow answer counts too; flat out, it sends the next as soon as
 * the last is answered (the hub's saturation: latency is then 32 / throughput).
 */
async function runPhase(hubUrl: string, tokens: string[], phase: string, ratePerClient: number | null): Promise<PhaseResult> {
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  const warmupEnds = started + WARMUP_SECONDS * 1000;
  const ends = warmupEnds + SECONDS * 1000;
  await Promise.all(
    tokens.map(async (token, client) => {
      for (let n = 0; ; n += 1) {
        const scheduled = ratePerClient === null ? performance.now() : started + (n * 1000) / ratePerClient + (client * 1000) / ratePerClient / tokens.length;
        if (scheduled >= ends) return;
        const wait = scheduled - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const body: { errors?: unknown; data?: { publishSignals: { signal: { id: string } }[] } } = await postJson(
          `${hubUrl}/graphql`,
          { query: PUBLISH, variables: { signals: [signalInput(phase, client, n)] } },
          { authorization: `Bearer ${token}` },
        );
        const elapsed = performance.now() - scheduled;
        if (body.errors || !body.data?.publishSignals[0]?.signal.id) failures += 1;
        else if (scheduled > warmupEnds) latencies.push(elapsed);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { latencies, failures };
}

/** Single-signal publishes from 32 concurrent clients (one carrier each) against a hub in its own process: paced, then flat out. */
export async function publishLatencyBench(): Promise<void> {
  const database = await benchDatabase();
  const hub = await forkBenchHub(database.url);
  try {
    const members = await hub.seed(
      Array.from({ length: CLIENTS }, (_, i) => ({ name: `latency-carrier-${i}`, kind: OrgKind.CARRIER, role: UserRole.PUBLISHER, asns: [64600 + i] })),
    );
    const tokens = members.map((member) => member.token);
    // Flat out first: it also brings the hub's hot paths to compiled code (a fresh process
    // needs about ten seconds of traffic) before the paced phase is measured.
    const flat = await runPhase(hub.url, tokens, 'flat', null);
    const paced = await runPhase(hub.url, tokens, 'paced', RATE_PER_CLIENT);
    const phases: [string, PhaseResult][] = [
      [`paced: ${RATE_PER_CLIENT}/s per client (${RATE_PER_CLIENT * CLIENTS}/s)`, paced],
      ['flat out: next publish on each answer (saturation)', flat],
    ];
    table(
      `publish-latency: ${CLIENTS} clients, one signal per publishSignals, ${SECONDS} s after ${WARMUP_SECONDS} s warm-up per phase (bench/publish-latency.bench.ts)`,
      phases.flatMap(([name, { latencies, failures }]) => {
        const p99 = percentile(latencies, 0.99);
        return [
          [`${name}: publishes measured`, String(latencies.length), ''],
          ['  throughput', `${(latencies.length / SECONDS).toFixed(0)} publishes/s`, ''],
          ['  failed publishes', String(failures), 'must be 0'],
          ['  p50 (scheduled send to committed answer)', ms(percentile(latencies, 0.5)), ''],
          ['  p95', ms(percentile(latencies, 0.95)), ''],
          ['  p99', ms(p99), `limit 25 ms: ${verdict(p99 < 25 && failures === 0)}`],
          ['  max', ms(latencies.at(-1) ?? Number.NaN), ''],
        ] as [string, string, string][];
      }),
    );
  } finally {
    await hub.stop();
    await database.close();
  }
}
