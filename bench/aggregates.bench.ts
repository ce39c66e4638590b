import pg from 'pg';
import { pino } from 'pino';
import { OrgKind, TlpLabel, UserRole } from '@kessetsu/schema';
import { loadHubConfig } from '../apps/hub/src/config/hub-config.js';
import { AggregatesService } from '../apps/hub/src/aggregates/aggregates.service.js';
import { startHub } from '../apps/hub/src/hub.js';
import { benchDatabase, envNumber, forkBenchHub, ms, percentile, postJson, table, verdict } from './bench-hub.js';

const SIGNALS = envNumber('BENCH_SIGNALS', 10_000_000);
const DAYS = 30;
const ORGS = 20;
const RUNS = envNumber('BENCH_RUNS', 30);
const RAW_RUNS = 2;
/** Unmeasured queries first: the first one of a hub process reads every snapshot from Postgres (reported on its own row). */
const WARMUP_RUNS = 3;
const LOADERS = 2;
const LOAD_CHUNK = 500_000;
const QUERY = `query($from: DateTime!, $to: DateTime!) {
  aggregateMatrix(bucket: HOUR, from: $from, to: $to, groupBy: [REGION, KIND]) { k everyCellShown bucketStarts axes { dimension values } signalCounts orgCounts }
}`;
/** What the rollups replace: the same cells straight from the signal table. */
const RAW = `SELECT date_trunc('hour', s.observed_start) AS bucket, region, s.kind, count(DISTINCT s.org_id) AS orgs, count(*) AS signals
  FROM signal s CROSS JOIN LATERAL unnest(s.regions) AS region
  WHERE s.observed_start >= $1 AND s.observed_start < $2 AND s.tlp = ANY($3::text[]) AND s.kind <> 'MAINTENANCE'
  GROUP BY 1, 2, 3`;

/** Inserts signals n = from..to-1 (each organisation in its three home prefectures, spread evenly over DAYS days). */
async function loadRange(databaseUrl: string, orgIds: string[], from: number, to: number): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // Bulk-load setting (superuser, this session only): skips the per-row foreign-key check; the org ids are the seeded ones.
    await client.query(`SET session_replication_role = replica`);
    for (let offset = from; offset < to; offset += LOAD_CHUNK) {
      await client.query(
        `INSERT INTO signal (id, org_id, source_ref, kind, severity, tlp, recipient_org_ids, audience, observed_start, observed_end, regions, service, details)
         SELECT gen_random_uuid(), ($1::uuid[])[1 + n % $2], 'agg-' || n,
                (ARRAY['TRAFFIC_DROP', 'ROUTE_ANOMALY', 'RESOLVER_FAILURE', 'SERVICE_OUTAGE'])[1 + (n / 7) % 4], 'MAJOR',
                (ARRAY['GREEN', 'GREEN', 'AMBER', 'AMBER', 'AMBER', 'CLEAR', 'AMBER_STRICT', 'GREEN'])[1 + (n / 3) % 8], '{}', '{member}',
                now() - make_interval(days => $3) + make_interval(secs => (n::float8 / $4) * $3 * 86400), NULL,
                ARRAY[lpad((1 + ((n % $2) * 3 + (n / 11) % 3) % 47)::text, 2, '0')], 'internet', '{}'::jsonb
         FROM generate_series($5::bigint, $6::bigint) AS n`,
        [orgIds, orgIds.length, DAYS, SIGNALS, offset, Math.min(to, offset + LOAD_CHUNK) - 1],
      );
    }
  } finally {
    await client.end();
  }
}

/** Loads SIGNALS signals straight into Postgres over LOADERS connections, so that the load uses every core. */
async function load(databaseUrl: string, orgIds: string[]): Promise<number> {
  const started = performance.now();
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // Not read by either query; dropped so the load takes minutes, not tens of minutes.
    await client.query('DROP INDEX IF EXISTS "IDX_signal_audience"; DROP INDEX IF EXISTS "IDX_signal_incident"');
    const share = Math.ceil(SIGNALS / LOADERS);
    await Promise.all(Array.from({ length: LOADERS }, (_, i) => loadRange(databaseUrl, orgIds, i * share, Math.min(SIGNALS, (i + 1) * share))));
    await client.query('ANALYZE signal');
    return performance.now() - started;
  } finally {
    await client.end();
  }
}

/** Hourly cells by region and kind over 30 days, as the ministry and as a carrier, from the rollups vs a GROUP BY over the raw signals. */
export async function aggregatesBench(): Promise<void> {
  const database = await benchDatabase();
  const hub = await forkBenchHub(database.url);
  const client = new pg.Client({ connectionString: database.url });
  try {
    const members = await hub.seed([
      { name: 'agg-ministry', kind: OrgKind.MINISTRY, role: UserRole.VIEWER },
      ...Array.from({ length: ORGS }, (_, i) => ({ name: `agg-carrier-${i}`, kind: OrgKind.CARRIER, role: UserRole.VIEWER })),
    ]);
    const carriers = members.slice(1);
    const loadMs = await load(database.url, carriers.map((member) => member.orgId));
    const rollupStarted = performance.now();
    const builder = await startHub(loadHubConfig({ HUB_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: database.url }), pino({ level: 'silent' }));
    await builder.app.get(AggregatesService).rebuild();
    await builder.close();
    const rollupMs = performance.now() - rollupStarted;
    await client.connect();
    const [{ rows: rollupRows }] = [await client.query('SELECT count(*)::int AS n FROM signal_rollup')];

    const to = new Date(Math.ceil(Date.now() / 3_600_000) * 3_600_000);
    const from = new Date(to.getTime() - DAYS * 86_400_000);
    const rows: [string, string, string][] = [
      ['signals loaded (COPY-free INSERT ... SELECT)', `${SIGNALS.toLocaleString('en')} in ${(loadMs / 1000).toFixed(0)} s`, `${ORGS} carriers, ${DAYS} days`],
      ['rollups and snapshots built', `${rollupRows[0].n.toLocaleString('en')} rollup rows in ${(rollupMs / 1000).toFixed(0)} s`, ''],
    ];
    for (const [label, viewer, labels] of [
      ['ministry', members[0], Object.values(TlpLabel)],
      ['carrier', carriers[0], [TlpLabel.CLEAR, TlpLabel.GREEN, TlpLabel.AMBER]],
    ] as const) {
      const query = async (): Promise<{ elapsed: number; cells: number }> => {
        const started = performance.now();
        const body = await postJson(
          `${hub.url}/graphql`,
          { query: QUERY, variables: { from: from.toISOString(), to: to.toISOString() } },
          { authorization: `Bearer ${viewer.token}` },
        );
        const elapsed = performance.now() - started;
        if (body.errors) throw new Error(JSON.stringify(body.errors));
        return { elapsed, cells: body.data.aggregateMatrix.signalCounts.length };
      };
      const first = await query();
      for (let run = 1; run < WARMUP_RUNS; run += 1) await query();
      const timings: number[] = [];
      for (let run = 0; run < RUNS; run += 1) timings.push((await query()).elapsed);
      const rawTimings: number[] = [];
      for (let run = 0; run < RAW_RUNS; run += 1) {
        const started = performance.now();
        await client.query(RAW, [from, to, labels]);
        rawTimings.push(performance.now() - started);
      }
      timings.sort((a, b) => a - b);
      rawTimings.sort((a, b) => a - b);
      const p95 = percentile(timings, 0.95);
      const rawFastest = rawTimings[0];
      rows.push(
        [`${label}: first aggregateMatrix query (${first.cells} cells)`, ms(first.elapsed), 'reads the snapshots into the hub'],
        [`${label}: aggregateMatrix p50 / p95 (${RUNS} runs after ${WARMUP_RUNS} warm-up)`, `${ms(percentile(timings, 0.5))} / ${ms(p95)}`, `limit p95 100 ms: ${verdict(p95 < 100)}`],
        [`${label}: GROUP BY over raw signals (faster of ${RAW_RUNS}, SQL only)`, ms(rawFastest), 'peer'],
        [`${label}: raw / rollup p95`, `${(rawFastest / p95).toFixed(1)} x`, `limit 50 x: ${verdict(rawFastest / p95 >= 50)}`],
      );
    }
    table(`aggregates: hourly cells by region and kind for ${DAYS} days over ${SIGNALS.toLocaleString('en')} signals (bench/aggregates.bench.ts)`, rows);
  } finally {
    await client.end().catch(() => undefined);
    await hub.stop();
    await database.close();
  }
}
