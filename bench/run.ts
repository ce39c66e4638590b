import { aggregatesBench } from './aggregates.bench.js';
import { burstBench } from './burst.bench.js';
import { fanoutBench } from './fanout.bench.js';
import { historyBench } from './history.bench.js';
import { ingestBench } from './ingest.bench.js';
import { memoryBench } from './memory.bench.js';
import { replicasBench } from './replicas.bench.js';
import { publishLatencyBench } from './publish-latency.bench.js';

/** `npm run bench -- <name>`: each bench prints its figures beside its peer or limit. */
const BENCHES: Record<string, () => Promise<void>> = {
  ingest: ingestBench,
  aggregates: aggregatesBench,
  burst: burstBench,
  fanout: fanoutBench,
  history: historyBench,
  memory: memoryBench,
  replicas: replicasBench,
  'publish-latency': publishLatencyBench,
};

const name = process.argv[2];
const bench = name ? BENCHES[name] : undefined;
if (!bench) {
  process.stderr.write(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}>\n`);
  process.exit(2);
}
bench().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
