import { benchDatabase, forkBenchHub, ms, table, verdict } from './bench-hub.js';
import { FANOUT_SIZES, correctnessRows, latency } from './fanout.bench.js';
import { FANOUT_MEMBERS, RATE, SECONDS, runHubFanout } from './fanout-run.js';

/** The fanout bench with subscribers split across two hub processes on one database, beside the single-process figure. */
export async function replicasBench(): Promise<void> {
  const database = await benchDatabase();
  const first = await forkBenchHub(database.url);
  const second = await forkBenchHub(database.url);
  try {
    const members = await first.seed(FANOUT_MEMBERS);
    for (const size of FANOUT_SIZES) {
      const single = await runHubFanout([first], members, size);
      const split = await runHubFanout([first, second], members, size);
      table(`replicas: ${size} subscribers over two hub processes, ${RATE} signals/s for ${SECONDS} s (bench/replicas.bench.ts)`, [
        ['two processes p50 / p95', `${latency(split.p50)} / ${latency(split.p95)}`, `one process: ${latency(single.p50)} / ${latency(single.p95)}`],
        ['two processes p99', latency(split.p99), `one process ${latency(single.p99)}; limit 1.5 x: ${latency(1.5 * single.p99)}: ${verdict(split.p99 <= 1.5 * single.p99 && split.lost === 0 && split.publishFailures === 0)}`],
        [
          'two processes p99 by process: the publishing one / the other (deliveries only)',
          `${latency(split.p99ByProcess[0])} / ${latency(split.p99ByProcess[1])}`,
          'the other learns of each commit from its notice',
        ],
        [
          'publish sent to receipt p50 / p99, two processes (not the target)',
          `${latency(split.sentToReceipt.p50)} / ${latency(split.sentToReceipt.p99)}`,
          `one process: ${latency(single.sentToReceipt.p50)} / ${latency(single.sentToReceipt.p99)} (1.5 x p99: ${latency(1.5 * single.sentToReceipt.p99)})`,
        ],
        ['load generator event-loop delay p99, two / one process', `${ms(split.generatorDelayP99)} / ${ms(single.generatorDelayP99)}`, 'part of every latency above'],
        ...correctnessRows(split),
      ]);
    }
  } finally {
    await second.stop();
    await first.stop();
    await database.close();
  }
}
