import { benchDatabase, forkBenchHub, ms, table, verdict } from './bench-hub.js';
import { FANOUT_MEMBERS, FanoutFigures, RATE, SECONDS, runBareFanout, runHubFanout } from './fanout-run.js';

export const FANOUT_SIZES = (process.env.BENCH_SUBSCRIBERS ?? '1000,5000').split(',').map(Number);

export function correctnessRows(figures: FanoutFigures): [string, string, string][] {
  return [
    ['signals published (acknowledged)', String(figures.published), `${RATE}/s for ${SECONDS} s`],
    ['deliveries the policy allows', String(figures.expected), ''],
    ['lost', String(figures.lost), `must be 0: ${verdict(figures.lost === 0)}`],
    ['signals delivered that this run did not see answered (not counted)', String(figures.uncounted), 'published before it, or unanswered'],
    ['duplicates', String(figures.duplicates), `must be 0: ${verdict(figures.duplicates === 0)}`],
    ['misrouted (policy forbids the viewer)', String(figures.misrouted), `must be 0: ${verdict(figures.misrouted === 0)}`],
    ['over-disclosed (identity or raw text)', String(figures.overDisclosed), `must be 0: ${verdict(figures.overDisclosed === 0)}`],
    ['subscriptions ended for falling behind, resumed by cursor', String(figures.resumes), ''],
    [
      'errors, failed or unanswered publishes',
      `${figures.errors.length}, ${figures.publishFailures}`,
      `must be 0: ${verdict(figures.errors.length === 0 && figures.publishFailures === 0)}`,
    ],
  ];
}

export const latency = (value: number) => (Number.isFinite(value) ? ms(value) : 'undelivered');

/** graphql-ws subscribers of mixed tiers: the hub (filtered, one execution per visibility class) vs a bare graphql-ws server. */
export async function fanoutBench(): Promise<void> {
  const database = await benchDatabase();
  const hub = await forkBenchHub(database.url);
  try {
    const members = await hub.seed(FANOUT_MEMBERS);
    for (const size of FANOUT_SIZES) {
      const bare = await runBareFanout(size);
      const ours = await runHubFanout([hub], members, size);
      table(`fanout: ${size} subscribers, ${RATE} signals/s for ${SECONDS} s, publish-ack to receipt (bench/fanout.bench.ts)`, [
        ['hub p50 / p95', `${latency(ours.p50)} / ${latency(ours.p95)}`, `bare: ${latency(bare.p50)} / ${latency(bare.p95)}`],
        ['hub p99', latency(ours.p99), `bare p99 ${latency(bare.p99)}: ${verdict(ours.p99 <= bare.p99 && ours.lost === 0 && ours.publishFailures === 0)}`],
        [
          'publish sent to receipt p50 / p99 (not the target: includes waiting for the answer)',
          `${latency(ours.sentToReceipt.p50)} / ${latency(ours.sentToReceipt.p99)}`,
          `bare: ${latency(bare.sentToReceipt.p50)} / ${latency(bare.sentToReceipt.p99)}`,
        ],
        ['messages sent by hub / bare', `${ours.delivered} / ${bare.delivered}`, `bare lost ${bare.lost} of ${bare.expected}`],
        ['publishes answered by hub / bare', `${ours.published} / ${bare.published} of ${RATE * SECONDS}`, "an unanswered publish's messages are not counted"],
        ['load generator event-loop delay p99, hub / bare run', `${ms(ours.generatorDelayP99)} / ${ms(bare.generatorDelayP99)}`, 'part of every latency above'],
        ...correctnessRows(ours),
      ]);
    }
  } finally {
    await hub.stop();
    await database.close();
  }
}
