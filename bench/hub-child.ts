import { readFileSync } from 'node:fs';
import { pino } from 'pino';
import type { OrgKind, UserRole } from '@kessetsu/schema';
import { loadHubConfig } from '../apps/hub/src/config/hub-config.js';
import { startHub } from '../apps/hub/src/hub.js';
import { OrganisationsService } from '../apps/hub/src/organisations/organisations.service.js';
import { UsersService } from '../apps/hub/src/users/users.service.js';

/** A member organisation with one user, created for a bench. */
export interface BenchMemberSpec {
  name: string;
  kind: OrgKind;
  role: UserRole;
  asns?: number[];
}

export interface BenchMember extends BenchMemberSpec {
  orgId: string;
  token: string;
}

export type ParentMessage = { type: 'seed'; members: BenchMemberSpec[] } | { type: 'measure' };
export type ChildMessage =
  | { type: 'ready'; url: string }
  | { type: 'seeded'; members: BenchMember[] }
  | { type: 'measured'; rss: number; heapUsed: number };

const PASSWORD = 'bench-password-1';

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
    const members: BenchMember[] = [];
    for (const spec of message.members) {
      const org = await hub.app.get(OrganisationsService).insert({ name: spec.name, kind: spec.kind, asns: spec.asns ?? [] });
      const email = `${spec.name}@bench.example`;
      await hub.app.get(UsersService).insert({ orgId: org.id, email, displayName: spec.name, role: spec.role, password: PASSWORD });
      const response = await fetch(`${hub.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: `mutation { login(email: "${email}", password: "${PASSWORD}") { accessToken } }` }),
      });
      members.push({ ...spec, orgId: org.id, token: ((await response.json()) as any).data.login.accessToken });
    }
    send({ type: 'seeded', members });
  });
  process.on('disconnect', () => void hub.close().finally(() => process.exit(0)));
  send({ type: 'ready', url: hub.url });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench hub failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
