import { DataSource } from 'typeorm';
import { IncidentLifecycleService } from '../apps/hub/src/incidents/incident-lifecycle.service.js';
import { IncidentStore } from '../apps/hub/src/incidents/incident-store.js';
import { envNumber, ms, percentile, startBenchHub, table, verdict } from './bench-hub.js';

const RESOLVED = envNumber('BENCH_RESOLVED', 20_000);
const RUNS = envNumber('BENCH_RUNS', 50);
const KEY_WITH_HISTORY = 'drop:13:internet:64999';
const KEY_WITHOUT_HISTORY = 'drop:14:internet:64999';

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
 * What correlation's reads cost after a long history: RESOLVED incidents that once offered
 * a key, resolved by the hub's own sweep. A hub process reads every open incident once
 * (at start) and, in every publishing transaction, the incidents changed since its last
 * read; both are timed with two open incidents alone, then again after the history.
 */
export async function historyBench(): Promise<void> {
  const bench = await startBenchHub(1);
  try {
    const dataSource = bench.hub.app.get(DataSource);
    const store = bench.hub.app.get(IncidentStore);
    const timeReads = async () => {
      await dataSource.query('ANALYZE incident, incident_key');
      const [{ latest }] = await dataSource.query(`SELECT max(revision)::text AS latest FROM incident`);
      const time = async (since: bigint | null, expected: number) => {
        const read = store.changesStatement(since, null);
        const started = performance.now();
        const changes = store.toChanges(await dataSource.query(read.text, read.values));
        if (changes.incidents.length !== expected) throw new Error(`expected ${expected} incidents, read ${changes.incidents.length}`);
        return performance.now() - started;
      };
      const open: number[] = [];
      const changed: number[] = [];
      for (let run = 0; run < RUNS; run += 1) {
        open.push(await time(null, 2));
        changed.push(await time(BigInt(latest) - 1n, 1));
      }
      return { open: open.sort((a, b) => a - b), changed: changed.sort((a, b) => a - b) };
    };
    await insertIncidents(dataSource, 1, KEY_WITH_HISTORY, '0 seconds');
    await insertIncidents(dataSource, 1, KEY_WITHOUT_HISTORY, '0 seconds');
    const before = await timeReads();
    await insertIncidents(dataSource, RESOLVED, KEY_WITH_HISTORY, '2 days');
    const resolved = await bench.hub.app.get(IncidentLifecycleService).resolveQuietIncidents();
    // The two open incidents changed last again, as a publish would leave them.
    await dataSource.query(`UPDATE incident SET revision = nextval(pg_get_serial_sequence('incident', 'revision')) WHERE status <> 'RESOLVED'`);
    const after = await timeReads();
    const p50 = (times: number[]) => percentile(times, 0.5);
    const rows: [string, string, string][] = [['incidents resolved by the sweep', String(resolved.length), `${RESOLVED} inserted`]];
    for (const [name, key] of [
      ['every open incident (a process starting)', 'open'],
      ['incidents changed since the last read (each transaction)', 'changed'],
    ] as const) {
      const ratio = p50(after[key]) / p50(before[key]);
      rows.push(
        [`${name}, after the history: p50 / p95 (${RUNS} runs)`, `${ms(p50(after[key]), 2)} / ${ms(percentile(after[key], 0.95), 2)}`, ''],
        [`${name}, before it: p50 / p95`, `${ms(p50(before[key]), 2)} / ${ms(percentile(before[key], 0.95), 2)}`, 'peer'],
        ['ratio p50 after / before', ratio.toFixed(2), `limit 2: ${verdict(ratio <= 2)}`],
      );
    }
    table(`history: correlation's reads after ${RESOLVED} resolved incidents offered one key (bench/history.bench.ts)`, rows);
  } finally {
    await bench.close();
  }
}
