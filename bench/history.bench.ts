import { DataSource } from 'typeorm';
import { IncidentLifecycleService } from '../apps/hub/src/incidents/incident-lifecycle.service.js';
import { IncidentStore } from '../apps/hub/src/incidents/incident-store.js';
import { envNumber, ms, percentile, startBenchHub, table, verdict } from './bench-hub.js';

const RESOLVED = envNumber('BENCH_RESOLVED', 20_000);
const RUNS = envNumber('BENCH_RUNS', 50);
const KEY_WITH_HISTORY = 'drop:13:internet:64999';
const KEY_WITHOUT_HISTORY = 'drop:14:internet:64999';
const MARGIN_MS = 15 * 60_000;

/** Open incidents offering `key`, last changed `ageSql` ago, with no signals (so the sweep may resolve them). */
async function insertIncidents(dataSource: DataSource, count: number, key: string, ageSql: string): Promise<void> {
  await dataSource.query(
    `WITH created AS (
       INSERT INTO incident (id, status, kinds, regions, services, org_ids, signal_count, window_start, window_end, severity, tlp, audience, updated_at)
       SELECT gen_random_uuid(), 'SINGLE_ORG', '{TRAFFIC_DROP}', '{13}', '{internet}', '{}', 1, now() - $3::interval - interval '10 minutes',
              now() - $3::interval, 'MAJOR', 'GREEN', '{member}', now() - $3::interval
       FROM generate_series(1, $1::int)
       RETURNING id)
     INSERT INTO incident_key (incident_id, key) SELECT id, $2 FROM created`,
    [count, key, ageSql],
  );
}

/**
 * What correlation costs after a long history: RESOLVED incidents that once offered a key,
 * resolved by the hub's own sweep, then the candidate query of a publish probing that key,
 * beside the same query for a key with no history (one open incident each), interleaved.
 */
export async function historyBench(): Promise<void> {
  const bench = await startBenchHub(1);
  try {
    const dataSource = bench.hub.app.get(DataSource);
    await insertIncidents(dataSource, RESOLVED, KEY_WITH_HISTORY, '2 days');
    const resolved = await bench.hub.app.get(IncidentLifecycleService).resolveQuietIncidents();
    await insertIncidents(dataSource, 1, KEY_WITH_HISTORY, '0 seconds');
    await insertIncidents(dataSource, 1, KEY_WITHOUT_HISTORY, '0 seconds');
    await dataSource.query('ANALYZE incident, incident_key');

    const store = bench.hub.app.get(IncidentStore);
    const now = new Date();
    const probe = async (key: string) => {
      const candidates = store.candidatesStatement([key], [], { start: now, end: now }, MARGIN_MS);
      const started = performance.now();
      const rows = await dataSource.query(candidates.text, candidates.values);
      if (rows.length !== 1) throw new Error(`expected the one open incident offering ${key}, found ${rows.length}`);
      return performance.now() - started;
    };
    const withHistory: number[] = [];
    const withoutHistory: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      withHistory.push(await probe(KEY_WITH_HISTORY));
      withoutHistory.push(await probe(KEY_WITHOUT_HISTORY));
    }
    withHistory.sort((a, b) => a - b);
    withoutHistory.sort((a, b) => a - b);
    const ratio = percentile(withHistory, 0.5) / percentile(withoutHistory, 0.5);
    table(`history: the candidate query of one publish after ${RESOLVED} resolved incidents offered its key (bench/history.bench.ts)`, [
      ['incidents resolved by the sweep', String(resolved.length), `${RESOLVED} inserted`],
      [`candidate query, key with that history: p50 / p95 (${RUNS} runs)`, `${ms(percentile(withHistory, 0.5), 2)} / ${ms(percentile(withHistory, 0.95), 2)}`, ''],
      ['candidate query, key without history: p50 / p95', `${ms(percentile(withoutHistory, 0.5), 2)} / ${ms(percentile(withoutHistory, 0.95), 2)}`, 'peer'],
      ['ratio p50 with / without history', ratio.toFixed(2), `limit 2: ${verdict(ratio <= 2)}`],
    ]);
  } finally {
    await bench.close();
  }
}
