import { ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { OrgKind, TlpLabel, UserRole } from '@kessetsu/schema';
import { envNumber, ForkedHub, postJson, viewerOf } from './bench-hub.js';
import type { BenchMember, BenchMemberSpec } from './bench-members.js';
import { ReceiverFigures, forkReceiver, wallClock } from './fanout-receiver.js';

export const RATE = envNumber('BENCH_RATE', 200);
export const SECONDS = envNumber('BENCH_SECONDS', 30);
const DRAIN_MS = envNumber('BENCH_DRAIN_MS', 30_000);
const SETTLE_MS = 2000;
const PUBLISHERS = 4;
const FEED = `subscription($after: String) { signalPublished(after: $after) { cursor signal { id kind severity tlp sourceRef text regions publisher { pseudonym organization { id name } } } } }`;
const PUBLISH = `mutation($signals: [SignalInput!]!) { publishSignals(signals: $signals) { signal { id } } }`;
/** Label mix of the published signals: most are shared with members or carriers, some are narrower. */
const LABELS: TlpLabel[] = [TlpLabel.CLEAR, TlpLabel.GREEN, TlpLabel.GREEN, TlpLabel.GREEN, TlpLabel.AMBER, TlpLabel.AMBER, TlpLabel.AMBER, TlpLabel.AMBER_STRICT, TlpLabel.RED, TlpLabel.GREEN];

/** Mixed tiers: the ministry, ICT-ISAC, carriers (four of them publishing) and partners. */
export const FANOUT_MEMBERS: BenchMemberSpec[] = [
  { name: 'fanout-ministry', kind: OrgKind.MINISTRY, role: UserRole.VIEWER },
  { name: 'fanout-isac', kind: OrgKind.ISAC, role: UserRole.VIEWER },
  ...Array.from({ length: 16 }, (_, i) => ({
    name: `fanout-carrier-${i}`,
    kind: OrgKind.CARRIER,
    role: i < PUBLISHERS ? UserRole.PUBLISHER : UserRole.VIEWER,
    asns: [64600 + i],
  })),
  { name: 'fanout-partner-0', kind: OrgKind.PARTNER, role: UserRole.VIEWER },
  { name: 'fanout-partner-1', kind: OrgKind.PARTNER, role: UserRole.VIEWER },
];

export interface FanoutFigures extends ReceiverFigures {
  subscribers: number;
  published: number;
  publishFailures: number;
}

function signalInput(run: string, n: number, tlp: TlpLabel, redRecipient: string) {
  return {
    sourceRef: `fanout-${run}-${n}`,
    kind: 'TRAFFIC_DROP',
    severity: 'MAJOR',
    tlp,
    recipientOrgIds: tlp === TlpLabel.RED ? [redRecipient] : [],
    observedStart: new Date(Date.now() - 60_000).toISOString(),
    regions: [String((n % 47) + 1).padStart(2, '0')],
    service: 'internet',
    text: `Drop ${n} seen at the Osaka IX; call 06-1234-5678`,
    trafficDrop: { dropPercent: 10 + (n % 50), peerAsn: 64700 + (n % 20) },
  };
}

/** How long publishes still in flight after the last one is sent may take before they count as failed. */
const SETTLE_PUBLISHES_MS = 30_000;

/**
 * Paces `total` publishes at `rate` per second, calling `publish(n)` without waiting for
 * earlier ones; returns how many failed or were still unanswered SETTLE_PUBLISHES_MS after
 * the last was sent (a saturated peer must not stall the bench past its time limit).
 */
async function paced(total: number, rate: number, publish: (n: number) => Promise<void>): Promise<number> {
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  let failures = 0;
  let settled = 0;
  for (let n = 0; n < total; n += 1) {
    const due = started + (n * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(
      publish(n)
        .catch((error: unknown) => {
          if (failures === 0) process.stderr.write(`first failed publish: ${String((error as { cause?: unknown }).cause ?? error)}\n`);
          failures += 1;
        })
        .finally(() => void (settled += 1)),
    );
  }
  await Promise.race([Promise.all(inFlight), new Promise((resolve) => setTimeout(resolve, SETTLE_PUBLISHES_MS))]);
  return failures + (total - settled);
}

/**
 * The hub side of the fanout bench: `count` subscribers of mixed tiers (in a receiver
 * process) spread over the given hub processes, RATE single-signal publishes per second
 * for SECONDS through the first hub, each delivery checked against the access policy.
 */
export async function runHubFanout(hubs: ForkedHub[], members: BenchMember[], count: number): Promise<FanoutFigures> {
  const receiver = await forkReceiver({
    wsUrls: hubs.map((hub) => hub.wsUrl),
    members: members.map((member) => ({ member, viewer: viewerOf(member) })),
    count,
    query: FEED,
  });
  try {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    /** Each run publishes new sourceRefs: a repeated one would be answered as a duplicate and never fanned out. */
    const run = randomUUID().slice(0, 8);
    const publishers = members.filter((member) => member.role === UserRole.PUBLISHER);
    const redRecipient = members.find((member) => member.kind === OrgKind.CARRIER && member.role === UserRole.VIEWER)!.orgId;
    let published = 0;
    let refused = 0;
    const failed = await paced(RATE * SECONDS, RATE, async (n) => {
      const publisher = publishers[n % publishers.length];
      const tlp = LABELS[n % LABELS.length];
      const body = await postJson(
        `${hubs[0].url}/graphql`,
        { query: PUBLISH, variables: { signals: [signalInput(run, n, tlp, redRecipient)] } },
        { authorization: `Bearer ${publisher.token}` },
      );
      const ackedAt = wallClock();
      const id = body.data?.publishSignals?.[0]?.signal?.id;
      if (!id) {
        refused += 1;
        return;
      }
      published += 1;
      receiver.acked({ id, tlp, publisherOrgId: publisher.orgId, recipientOrgIds: tlp === TlpLabel.RED ? [redRecipient] : [], ackedAt });
    });
    return { subscribers: count, published, publishFailures: failed + refused, ...(await receiver.drain(DRAIN_MS)) };
  } finally {
    await receiver.stop();
  }
}

interface BareServer {
  url: string;
  wsUrl: string;
  stop(): Promise<void>;
}

export async function forkBareServer(): Promise<BareServer> {
  const child: ChildProcess = fork(fileURLToPath(new URL('./bare-server.js', import.meta.url)), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    execArgv: process.env.BENCH_BARE_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_BARE_PROFILE}`] : [],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (message: { url: string }) => resolve(message.url));
    void exited.then(() => reject(new Error('bare server exited')));
  });
  return {
    url,
    wsUrl: `${url.replace(/^http/, 'ws')}/graphql`,
    stop: async () => {
      child.disconnect();
      await exited;
    },
  };
}

/** The peer: the same clients and payloads on the bare server, which sends every event to everyone. */
export async function runBareFanout(count: number): Promise<FanoutFigures> {
  const bare = await forkBareServer();
  try {
    const receiver = await forkReceiver({ wsUrls: [bare.wsUrl], members: null, count, query: FEED });
    try {
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      let published = 0;
      let refused = 0;
      const failed = await paced(RATE * SECONDS, RATE, async (n) => {
        const id = `bare-${n}`;
        const input = signalInput('bare', n, LABELS[n % LABELS.length], 'recipient');
        const event = {
          cursor: `c${n}`,
          signal: { id, kind: input.kind, severity: input.severity, tlp: input.tlp, sourceRef: input.sourceRef, text: input.text, regions: input.regions, publisher: { pseudonym: `p-${n % PUBLISHERS}`, organization: { id: `org-${n % PUBLISHERS}`, name: `Carrier ${n % PUBLISHERS}` } } },
        };
        const answer = await postJson(`${bare.url}/publish`, { events: [event] });
        const ackedAt = wallClock();
        if (!answer.ok) {
          refused += 1;
          return;
        }
        published += 1;
        receiver.acked({ id, tlp: input.tlp, publisherOrgId: 'bare', recipientOrgIds: [], ackedAt });
      });
      return { subscribers: count, published, publishFailures: failed + refused, ...(await receiver.drain(DRAIN_MS)) };
    } finally {
      await receiver.stop();
    }
  } finally {
    await bare.stop();
  }
}
