import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import { OrgKind, UserRole } from '@kessetsu/schema';
import { audienceOf, scrubText } from '@kessetsu/auth';
import { benchDatabase, envNumber, forkBenchHub, postJson, table, verdict } from './bench-hub.js';
import { cpuSnapshot, cpuSpent } from './process-cpu.js';

const SIGNALS = envNumber('BENCH_SIGNALS', 50_000);
const BATCH = 1000;
/** Concurrent publishers (one carrier each), so the hub's own work overlaps Postgres'. */
const CLIENTS = envNumber('BENCH_CLIENTS', 4);
/**
 * Published the same way before the measured signals, as the other benches warm up: a fresh
 * hub process spent 4-20 times as long correlating (and validating, coercing, ...) each of its
 * first batches as once its code was compiled, which was a seventh of a 50,000-signal run.
 */
const WARMUP_SIGNALS = envNumber('BENCH_WARMUP', 10_000);
const PUBLISH = `mutation($signals: [SignalInput!]!) { publishSignals(signals: $signals) { index } }`;

/** Warm-up signals name another service: their incidents stay apart from the measured ones'. */
function signalInput(n: number, warmup = false) {
  return {
    sourceRef: `${warmup ? 'warmup' : 'bench'}-${n}`,
    kind: 'TRAFFIC_DROP',
    severity: 'MAJOR',
    tlp: n % 3 === 0 ? 'AMBER' : 'GREEN',
    observedStart: new Date(Date.UTC(2025, 0, 1, 3, 0) + (n % 3600) * 1000).toISOString(),
    observedEnd: null,
    regions: [String((n % 47) + 1).padStart(2, '0')],
    service: warmup ? 'internet-warmup' : 'internet',
    text: `Drop seen by probe ${n}; call 03-1234-5678`,
    trafficDrop: { dropPercent: 10 + (n % 50), peerAsn: 64700 + (n % 20) },
  };
}

const csv = (value: unknown): string => {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};
const pgArray = (values: string[]) => `{${values.map((value) => `"${value}"`).join(',')}}`;

/** The hub's count of transactions written before their lock, on assumptions, by outcome (its /metrics text). */
async function writesOnAssumptions(hubUrl: string): Promise<{ committed: number; failed: number }> {
  const metrics = await (await fetch(`${hubUrl}/metrics`)).text();
  const count = (outcome: string) => Number(new RegExp(`^kessetsu_writes_on_assumptions_total\\{outcome="${outcome}"\\} (\\d+)`, 'm').exec(metrics)?.[1] ?? 0);
  return { committed: count('committed'), failed: count('failed') };
}

/** signals/s through publishSignals (validated, committed, correlated, rolled up) vs raw COPY of the same rows. */
export async function ingestBench(): Promise<void> {
  const database = await benchDatabase();
  const hub = await forkBenchHub(database.url);
  try {
    const publishers = await hub.seed(
      Array.from({ length: CLIENTS }, (_, i) => ({ name: `bench-carrier-${i}`, kind: OrgKind.CARRIER, role: UserRole.PUBLISHER, asns: [64600 + i] })),
    );
    const batchesOf = (count: number, warmup: boolean) =>
      Array.from({ length: Math.ceil(count / BATCH) }, (_, b) =>
        Array.from({ length: Math.min(BATCH, count - b * BATCH) }, (_, i) => signalInput(b * BATCH + i, warmup)),
      );
    /** The publishers, each sending the next batch not yet taken as soon as its last is answered. */
    const publishAll = async (batches: ReturnType<typeof signalInput>[][]) => {
      let next = 0;
      const publisher = async (token: string) => {
        for (let batch = batches[next++]; batch; batch = batches[next++]) {
          const body: { errors?: unknown } = await postJson(`${hub.url}/graphql`, { query: PUBLISH, variables: { signals: batch } }, { authorization: `Bearer ${token}` });
          if (body.errors) throw new Error(JSON.stringify(body.errors));
        }
      };
      await Promise.all(publishers.map((member) => publisher(member.token)));
    };
    await publishAll(batchesOf(WARMUP_SIGNALS, true));
    const batches = batchesOf(SIGNALS, false);
    const assumedBefore = await writesOnAssumptions(hub.url);
    const cpuBefore = cpuSnapshot([hub.pid]);
    const generatorBefore = process.cpuUsage();
    const started = process.hrtime.bigint();
    await publishAll(batches);
    const hubSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const generatorCpu = process.cpuUsage(generatorBefore);
    const cpu = cpuSpent(cpuBefore, cpuSnapshot([hub.pid]));
    const assumedAfter = await writesOnAssumptions(hub.url);
    const assumed = { committed: assumedAfter.committed - assumedBefore.committed, failed: assumedAfter.failed - assumedBefore.failed };

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const [{ org_id: orgId }] = (await client.query(`SELECT org_id FROM signal LIMIT 1`)).rows;
    await client.query(`CREATE TABLE signal_copy (LIKE signal INCLUDING DEFAULTS INCLUDING INDEXES INCLUDING CONSTRAINTS)`);
    const rows = Array.from({ length: SIGNALS }, (_, n) => {
      const input = signalInput(n);
      return [
        randomUUID(),
        orgId,
        `copy-${n}`,
        input.kind,
        input.severity,
        input.tlp,
        '{}',
        pgArray(audienceOf({ tlp: input.tlp as never, publisherOrgId: orgId, recipientOrgIds: [] })),
        input.observedStart,
        '',
        pgArray(input.regions),
        input.service,
        JSON.stringify(input.trafficDrop),
        input.text,
        scrubText(input.text),
      ]
        .map(csv)
        .join(',');
    });
    const copyStarted = process.hrtime.bigint();
    await pipeline(
      Readable.from(rows.map((row) => `${row}\n`)),
      client.query(
        copyStreams.from(
          `COPY signal_copy (id, org_id, source_ref, kind, severity, tlp, recipient_org_ids, audience, observed_start, observed_end,
             regions, service, details, text_raw, text_scrubbed) FROM STDIN WITH (FORMAT csv)`,
        ),
      ),
    );
    const copySeconds = Number(process.hrtime.bigint() - copyStarted) / 1e9;
    await client.end();

    const hubRate = SIGNALS / hubSeconds;
    const copyRate = SIGNALS / copySeconds;
    const perSignal = (seconds: number) => `${((seconds * 1e6) / SIGNALS).toFixed(0)} us (${(seconds / hubSeconds).toFixed(2)} of a core)`;
    // What the target leaves each signal: every core of the machine, at a third of COPY's rate.
    const budget = `target's budget: ${((availableParallelism() * 1e6) / (copyRate / 3)).toFixed(0)} us on ${availableParallelism()} cores, all processes`;
    table(`ingest: ${SIGNALS} signals in batches of ${BATCH}, ${CLIENTS} concurrent publishers, after ${WARMUP_SIGNALS} warm-up signals (bench/ingest.bench.ts)`, [
      ['publishSignals (validated, committed, correlated, rolled up)', `${hubRate.toFixed(0)} signals/s`, ''],
      ['COPY of the same rows into a copy of the signal table', `${copyRate.toFixed(0)} rows/s`, 'peer'],
      ['ratio hub / COPY', (hubRate / copyRate).toFixed(3), `target >= 0.333: ${verdict(hubRate / copyRate >= 1 / 3)}`],
      ...(cpu
        ? ([
            ['CPU per published signal: hub process', perSignal(cpu.processes), budget],
            ['CPU per published signal: Postgres processes', perSignal(cpu.postgres), ''],
          ] as [string, string, string][])
        : []),
      ['CPU per published signal: load generator', perSignal((generatorCpu.user + generatorCpu.system) / 1e6), ''],
      ['transactions written before their lock: committed / failed (written again after a read)', `${assumed.committed} / ${assumed.failed}`, ''],
    ]);
  } finally {
    await hub.stop();
    await database.close();
  }
}
