import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import { loadHubConfig } from '../apps/hub/src/config/hub-config.js';
import { startHub } from '../apps/hub/src/hub.js';
import { BenchMember, BenchMemberSpec, seedBenchMembers } from './bench-members.js';

export type ParentMessage = { type: 'seed'; members: BenchMemberSpec[] } | { type: 'measure' };
export type ChildMessage =
  | { type: 'ready'; url: string }
  | { type: 'seeded'; members: BenchMember[] }
  | { type: 'measured'; rss: number; heapUsed: number };

/**
 * A hub in its own process, driven over IPC by a bench: the load generator and the
 * hub then have separate event loops, as they would on separate machines.
 */
async function main(): Promise<void> {
  const config = loadHubConfig(process.env);
  const hub = await startHub(config, pino({ level: 'silent' }));
  const send = (message: ChildMessage) => process.send!(message);
  process.on('message', async (message: ParentMessage) => {
    if (message.type === 'measure') {
      global.gc?.();
      const rss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) * 1024;
      send({ type: 'measured', rss: rss || process.memoryUsage().rss, heapUsed: process.memoryUsage().heapUsed });
      return;
    }
    const members = await seedBenchMembers(hub, message.members);
    send({ type: 'seeded', members });
  });
  process.on('disconnect', () => void hub.close().finally(() => process.exit(0)));
  send({ type: 'ready', url: hub.url });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench hub failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
