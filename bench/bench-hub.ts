import { ChildProcess, fork } from 'node:child_process';
import { Agent, request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { OrgKind, UserRole } from '@kessetsu/schema';
import type { Viewer } from '@kessetsu/auth';
import { loadHubConfig } from '../apps/hub/src/config/hub-config.js';
import { createScratchDatabase, startScratchServer } from '../apps/hub/src/database/scratch-database.js';
import { RunningHub, startHub } from '../apps/hub/src/hub.js';
import { HUB_NODE_FLAGS, HUB_PROCESS_ENV } from '../apps/hub/src/hub-process.js';
import { BenchMember, BenchMemberSpec, seedBenchMembers } from './bench-members.js';
import type { ChildMessage, ParentMessage } from './hub-child.js';

/** Abuse limits lifted: a bench is one address and a few credentials doing the work of many. */
const LIFTED_LIMITS = {
  HUB_ENV: 'test',
  PORT: '0',
  LOG_LEVEL: 'silent',
  HUB_PUBLISH_REQUESTS_PER_MINUTE: '10000000',
  HUB_LOGIN_ATTEMPTS_PER_MINUTE: '100000',
  HUB_CONNECTIONS_PER_MINUTE: '10000000',
  HUB_MAX_LIVE_SUBSCRIPTIONS: '10000',
  HUB_MAX_BATCH_SIZE: '5000',
};

export interface BenchDatabase {
  url: string;
  close(): Promise<void>;
}

/** A fresh database on an embedded Postgres, or on DATABASE_URL's server. */
export async function benchDatabase(): Promise<BenchDatabase> {
  const server = await startScratchServer();
  const database = await createScratchDatabase(server.adminUrl, 'kessetsu_bench');
  return {
    url: database.url,
    close: async () => {
      await database.drop();
      await server.stop();
    },
  };
}

export interface InProcessBenchHub {
  hub: RunningHub;
  databaseUrl: string;
  tokens: string[];
  close(): Promise<void>;
}

/** A hub in this process on a fresh database with `publishers` carrier logins, limits lifted. */
export async function startBenchHub(publishers: number, env: Record<string, string> = {}): Promise<InProcessBenchHub> {
  const database = await benchDatabase();
  const config = loadHubConfig({ ...LIFTED_LIMITS, DATABASE_URL: database.url, ...env });
  const hub = await startHub(config, pino({ level: 'silent' }));
  const members = await seedBenchMembers(
    hub,
    Array.from({ length: publishers }, (_, i) => ({ name: `bench-carrier-${i}`, kind: OrgKind.CARRIER, role: UserRole.PUBLISHER, asns: [64600 + i] })),
  );
  const tokens = members.map((member) => member.token);
  return {
    hub,
    databaseUrl: database.url,
    tokens,
    close: async () => {
      await hub.close();
      await database.close();
    },
  };
}

export interface ForkedHub {
  url: string;
  wsUrl: string;
  pid: number;
  seed(members: BenchMemberSpec[]): Promise<BenchMember[]>;
  /** RSS and heap after a full garbage collection. */
  measure(): Promise<{ rss: number; heapUsed: number }>;
  stop(): Promise<void>;
}

/** A hub in its own process (bench/hub-child.ts) on the given database, limits lifted. */
export async function forkBenchHub(databaseUrl: string, env: Record<string, string> = {}): Promise<ForkedHub> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./hub-child.js', import.meta.url)), [], {
    env: { ...process.env, ...HUB_PROCESS_ENV, ...LIFTED_LIMITS, DATABASE_URL: databaseUrl, ...env },
    execArgv: ['--expose-gc', ...HUB_NODE_FLAGS, ...(process.env.BENCH_HUB_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_HUB_PROFILE}`] : [])],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const reply = <T extends ChildMessage['type']>(type: T, request?: ParentMessage) =>
    new Promise<Extract<ChildMessage, { type: T }>>((resolve, reject) => {
      const onMessage = (message: ChildMessage) => {
        if (message.type !== type) return;
        child.off('message', onMessage);
        resolve(message as Extract<ChildMessage, { type: T }>);
      };
      child.on('message', onMessage);
      void exited.then(() => reject(new Error(`bench hub exited while waiting for ${type}`)));
      if (request) child.send(request);
    });
  const { url } = await reply('ready');
  return {
    url,
    wsUrl: `${url.replace(/^http/, 'ws')}/graphql`,
    pid: child.pid!,
    seed: async (members) => (await reply('seeded', { type: 'seed', members })).members,
    measure: async () => {
      const { rss, heapUsed } = await reply('measured', { type: 'measure' });
      return { rss, heapUsed };
    },
    stop: async () => {
      child.disconnect();
      await exited;
    },
  };
}

/** A numeric setting from the environment; unset or empty means the default. */
export function envNumber(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, not ${JSON.stringify(text)}`);
  return value;
}

/** The viewer a bench member signs in as, for checking deliveries against the access policy. */
export const viewerOf = (member: BenchMember): Viewer => ({
  principal: 'user',
  orgId: member.orgId,
  orgKind: member.kind,
  role: member.role,
  scopes: [],
  userId: null,
  apiKeyId: null,
  expiresAt: null,
});

/** The value below which `fraction` of the samples fall (nearest rank). */
export function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))];
}

export const ms = (value: number, digits = 1) => `${value.toFixed(digits)} ms`;

export function table(title: string, rows: [string, string, string][]): void {
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column].length), ['measure', 'value', 'peer or limit'][column].length));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  process.stdout.write(`\n${title}\n${line(['measure', 'value', 'peer or limit'])}\n${line(widths.map((w) => '-'.repeat(w)))}\n`);
  for (const row of rows) process.stdout.write(`${line(row)}\n`);
}

/** "met" or "NOT met", for the verdict column. */
export const verdict = (met: boolean) => (met ? 'met' : '**NOT met**');

/**
 * Keep-alive connections shared by a bench's publishers: requests queue here instead of
 * opening sockets without bound (64: above every bench's concurrency, so no bench waits
 * on its own client). node:http, not fetch: undici cost the load generator about 0.7 ms
 * of CPU per request on the cores the hub and Postgres share.
 */
const publishAgent = new Agent({ keepAlive: true, maxSockets: 64 });

/** POSTs JSON and returns the parsed answer, over the bench's bounded connection pool. */
export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<any> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      { method: 'POST', agent: publishAgent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch (error) {
            reject(error);
          }
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}
