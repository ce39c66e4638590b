import { benchDatabase, envNumber, forkBenchHub, table, verdict } from './bench-hub.js';
import { FANOUT_MEMBERS } from './fanout-run.js';
import { Subscriber, openSubscriber, openSubscribers } from './live-clients.js';

const FEED = `subscription { signalPublished { cursor signal { id tlp text } } }`;
const CYCLES = envNumber('BENCH_CYCLES', 10_000);
const LANES = 20;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const settle = () => new Promise((resolve) => setTimeout(resolve, 3000));

/** RSS per idle live subscriber at 1,000 and 5,000; heap after 10,000 subscribe/unsubscribe cycles. */
export async function memoryBench(): Promise<void> {
  const database = await benchDatabase();
  const hub = await forkBenchHub(database.url);
  try {
    const members = await hub.seed(FANOUT_MEMBERS);
    const errors: string[] = [];
    const open = (i: number) =>
      openSubscriber({ url: hub.wsUrl, token: members[i % members.length].token, query: FEED, onNext: () => undefined, onError: (error) => errors.push(error) });

    const warm = await openSubscribers(100, open);
    for (const subscriber of warm) subscriber.close();
    await settle();
    const idle = await hub.measure();
    const rows: [string, string, string][] = [['hub RSS with no subscriber', kb(idle.rss), '']];
    let subscribers: Subscriber[] = [];
    for (const size of [1000, 5000]) {
      subscribers.push(...(await openSubscribers(size - subscribers.length, (i) => open(subscribers.length + i))));
      await settle();
      const measured = await hub.measure();
      const perSubscriber = (measured.rss - idle.rss) / size;
      rows.push([`RSS per idle subscriber at ${size}`, kb(perSubscriber), `limit 32 KB: ${verdict(perSubscriber < 32 * 1024)}`]);
    }
    for (const subscriber of subscribers) subscriber.close();
    subscribers = [];
    await settle();

    const before = await hub.measure();
    await Promise.all(
      Array.from({ length: LANES }, async (_, lane) => {
        for (let cycle = lane; cycle < CYCLES; cycle += LANES) (await open(cycle)).close();
      }),
    );
    await settle();
    const after = await hub.measure();
    const growth = (after.heapUsed - before.heapUsed) / before.heapUsed;
    rows.push(
      ['heap before cycles (after GC)', kb(before.heapUsed), ''],
      [`heap after ${CYCLES} subscribe/unsubscribe cycles (after GC)`, kb(after.heapUsed), ''],
      ['heap growth', `${(growth * 100).toFixed(2)} %`, `limit 5 %: ${verdict(growth < 0.05)}`],
      ['client errors', String(errors.length), 'must be 0'],
    );
    table('memory: hub process, graphql-ws subscribers of mixed tiers (bench/memory.bench.ts)', rows);
  } finally {
    await hub.stop();
    await database.close();
  }
}
