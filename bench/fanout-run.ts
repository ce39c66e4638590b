import { ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { OrgKind, TlpLabel, UserRole } from '@kessetsu/schema';
import { Disclosure, disclosureFor } from '@kessetsu/auth';
import { envNumber, ForkedHub, postJson, viewerOf } from './bench-hub.js';
import type { BenchMember, BenchMemberSpec } from './bench-members.js';
import { DeliveryLedger } from './delivery-ledger.js';
import { LatencyHistogram } from './latency-histogram.js';
import { Subscriber, openSubscriber, openSubscribers } from './live-clients.js';

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

export interface FanoutFigures {
  subscribers: number;
  published: number;
  expected: number;
  delivered: number;
  lost: number;
  /** Distinct deliveries of signals this run did not see answered (published before it, or unanswered), not counted as received. */
  uncounted: number;
  duplicates: number;
  misrouted: number;
  overDisclosed: number;
  errors: string[];
  /** Subscriptions the server ended (too far behind) that the client resumed from its cursor. */
  resumes: number;
  p50: number;
  p95: number;
  p99: number;
  /** From sending the publish to receipt: what the subscriber waits in all, queueing for an answer included. */
  sentToReceipt: { p50: number; p99: number };
  publishFailures: number;
  /** p99 of this load generator's own event-loop delay while publishing: a receipt is timed only when its turn comes. */
  generatorDelayP99: number;
}

interface Published {
  tlp: TlpLabel;
  publisherOrgId: string;
  recipientOrgIds: string[];
  sentAt: number;
  ackedAt: number;
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

/** The fanout figures of both latencies, once every receipt is in: the undelivered messages are recorded as slower than any delivered one. */
function fanoutLatencies(fromAck: LatencyHistogram, fromSend: LatencyHistogram, undelivered: number) {
  fromAck.recordUndelivered(undelivered);
  fromSend.recordUndelivered(undelivered);
  return {
    p50: fromAck.percentile(0.5),
    p95: fromAck.percentile(0.95),
    p99: fromAck.percentile(0.99),
    sentToReceipt: { p50: fromSend.percentile(0.5), p99: fromSend.percentile(0.99) },
  };
}

/**
 * Waits up to DRAIN_MS for the expected deliveries, closes the subscribers, and returns how
 * many distinct ones arrived among the signals `counts` accepts.
 */
async function drain(ledger: DeliveryLedger, expected: number, subscribers: Subscriber[], counts: (id: string) => boolean): Promise<number> {
  const ends = Date.now() + DRAIN_MS;
  // Every delivery counted bounds the accepted ones from above at no cost; the exact count
  // (a pass over every subscriber's signals) is taken only once it could be enough.
  while (Date.now() < ends && (ledger.total() < expected || ledger.totalOf(counts) < expected)) await new Promise((resolve) => setTimeout(resolve, 200));
  for (const subscriber of subscribers) subscriber.close();
  return ledger.totalOf(counts);
}

/** How long publishes still in flight after the last one is sent may take before they count as failed. */
const SETTLE_PUBLISHES_MS = 30_000;

/**
 * Paces `total` publishes at `rate` per second, calling `publish(n)` without waiting for
 * earlier ones; returns how many failed or were still unanswered SETTLE_PUBLISHES_MS after
 * the last was sent (a saturated peer must not stall the bench past its time limit).
 */
async function paced(total: number, rate: number, publish: (n: number) => Promise<void>): Promise<{ failures: number; generatorDelayP99: number }> {
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
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
  loopDelay.disable();
  return { failures: failures + (total - settled), generatorDelayP99: loopDelay.percentile(99) / 1e6 };
}

export interface HubFanoutFigures extends FanoutFigures {
  /** p99 from the answer of the deliveries through each hub process (the first one publishes), undelivered left out. */
  p99ByProcess: number[];
}

/**
 * The hub side of the fanout bench: `count` subscribers of mixed tiers spread over the
 * given hub processes, RATE single-signal publishes per second for SECONDS through the
 * first hub, each delivery checked against the access policy.
 */
export async function runHubFanout(hubs: ForkedHub[], members: BenchMember[], count: number): Promise<HubFanoutFigures> {
  const published = new Map<string, Published>();
  const early: { subscriber: number; signal: any; at: number }[] = [];
  const ledger = new DeliveryLedger(count);
  const latencies = new LatencyHistogram();
  const sentLatencies = new LatencyHistogram();
  const latenciesByHub = hubs.map(() => new LatencyHistogram());
  const errors: string[] = [];
  let duplicates = 0;
  let misrouted = 0;
  let overDisclosed = 0;
  let delivered = 0;
  const viewers = members.map(viewerOf);
  /** The policy's answer per signal and member, computed once: the load generator checks up to 200,000 deliveries/s. */
  const disclosures = new Map<Published, (Disclosure | null)[]>();
  const disclosureOf = (record: Published, member: number): Disclosure | null => {
    let byMember = disclosures.get(record);
    if (!byMember) disclosures.set(record, (byMember = viewers.map((viewer) => disclosureFor(viewer, record))));
    return byMember[member];
  };
  const cursors: (string | null)[] = Array<string | null>(count).fill(null);
  let resumes = 0;
  const memberOf = (index: number) => index % members.length;
  const hubOf = (index: number) => index % hubs.length;

  const account = (subscriber: number, signal: any, at: number) => {
    const record = published.get(signal.id);
    if (!record) {
      early.push({ subscriber, signal, at });
      return;
    }
    const disclosure = disclosureOf(record, memberOf(subscriber));
    if (!disclosure) misrouted += 1;
    else if (!disclosure.identity && (signal.sourceRef !== null || signal.publisher.organization !== null || /06-1234-5678/.test(signal.text))) overDisclosed += 1;
    latencies.record(at - record.ackedAt);
    latenciesByHub[hubOf(subscriber)].record(at - record.ackedAt);
    sentLatencies.record(at - record.sentAt);
  };
  const receive = (subscriber: number) => (payload: any, at: number) => {
    const signal = payload?.data?.signalPublished?.signal;
    if (!signal) {
      errors.push(JSON.stringify(payload).slice(0, 200));
      return;
    }
    delivered += 1;
    cursors[subscriber] = payload.data.signalPublished.cursor;
    if (!ledger.record(subscriber, signal.id)) {
      duplicates += 1;
      return;
    }
    account(subscriber, signal, at);
  };

  const subscribers: Subscriber[] = await openSubscribers(count, (i) =>
    openSubscriber(
      {
        url: hubs[hubOf(i)].wsUrl,
        token: members[memberOf(i)].token,
        query: FEED,
        onNext: receive(i),
        onError: (error) => errors.push(error),
        resumeAfter: () => cursors[i],
        onResume: () => void (resumes += 1),
      },
      memberOf(i),
    ),
  );
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

  /** Each run publishes new sourceRefs: a repeated one would be answered as a duplicate and never fanned out. */
  const run = randomUUID().slice(0, 8);
  const publishers = members.filter((member) => member.role === UserRole.PUBLISHER);
  const redRecipient = members.find((member) => member.kind === OrgKind.CARRIER && member.role === UserRole.VIEWER)!.orgId;
  let publishFailures = 0;
  const total = RATE * SECONDS;
  const publishing = await paced(total, RATE, async (n) => {
    const publisher = publishers[n % publishers.length];
    const tlp = LABELS[n % LABELS.length];
    const sentAt = performance.now();
    const body = await postJson(
      `${hubs[0].url}/graphql`,
      { query: PUBLISH, variables: { signals: [signalInput(run, n, tlp, redRecipient)] } },
      { authorization: `Bearer ${publisher.token}` },
    );
    const ackedAt = performance.now();
    const id = body.data?.publishSignals?.[0]?.signal?.id;
    if (!id) {
      publishFailures += 1;
      return;
    }
    published.set(id, { tlp, publisherOrgId: publisher.orgId, recipientOrgIds: tlp === TlpLabel.RED ? [redRecipient] : [], sentAt, ackedAt });
  });
  publishFailures += publishing.failures;
  for (const entry of early.splice(0)) account(entry.subscriber, entry.signal, entry.at);

  const expectedPer = subscribers.map((subscriber) => {
    let expected = 0;
    for (const record of published.values()) if (disclosureOf(record, subscriber.member)) expected += 1;
    return expected;
  });
  const expected = expectedPer.reduce((sum, value) => sum + value, 0);
  // As for the bare server, only the messages of this run's answered publishes count: an
  // unanswered publish may still be committed and delivered, and a new subscription starts
  // where its process's feed has read to, so a process still behind from the run before
  // (saturated at 5,000) hands it that run's last signals; neither is a lost message, nor
  // one expected.
  const answered = new Set(published.keys());
  const received = await drain(ledger, expected, subscribers, (id) => answered.has(id));
  return {
    subscribers: count,
    published: published.size,
    expected,
    delivered,
    lost: expected - received + misrouted,
    uncounted: ledger.total() - received,
    duplicates,
    misrouted,
    overDisclosed,
    errors,
    resumes,
    publishFailures,
    generatorDelayP99: publishing.generatorDelayP99,
    p99ByProcess: latenciesByHub.map((histogram) => histogram.percentile(0.99)),
    ...fanoutLatencies(latencies, sentLatencies, expected - received),
  };
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
    const sent = new Map<string, number>();
    const acked = new Map<string, number>();
    const early: { id: string; at: number }[] = [];
    const ledger = new DeliveryLedger(count);
    const latencies = new LatencyHistogram();
    const sentLatencies = new LatencyHistogram();
    const errors: string[] = [];
    let duplicates = 0;
    let delivered = 0;
    const receive = (subscriber: number) => (payload: any, at: number) => {
      const id = payload?.data?.signalPublished?.signal?.id;
      if (!id) {
        errors.push(JSON.stringify(payload).slice(0, 200));
        return;
      }
      delivered += 1;
      if (!ledger.record(subscriber, id)) {
        duplicates += 1;
        return;
      }
      const ackedAt = acked.get(id);
      if (ackedAt === undefined) early.push({ id, at });
      else {
        latencies.record(at - ackedAt);
        sentLatencies.record(at - sent.get(id)!);
      }
    };
    const subscribers = await openSubscribers(count, (i) =>
      openSubscriber({ url: bare.wsUrl, token: null, query: FEED, onNext: receive(i), onError: (error) => errors.push(error) }),
    );
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const total = RATE * SECONDS;
    let publishFailures = 0;
    const publishing = await paced(total, RATE, async (n) => {
      const id = `bare-${n}`;
      const input = signalInput('bare', n, LABELS[n % LABELS.length], 'recipient');
      const event = {
        cursor: `c${n}`,
        signal: { id, kind: input.kind, severity: input.severity, tlp: input.tlp, sourceRef: input.sourceRef, text: input.text, regions: input.regions, publisher: { pseudonym: `p-${n % PUBLISHERS}`, organization: { id: `org-${n % PUBLISHERS}`, name: `Carrier ${n % PUBLISHERS}` } } },
      };
      sent.set(id, performance.now());
      const answer = await postJson(`${bare.url}/publish`, { events: [event] });
      acked.set(id, performance.now());
      if (!answer.ok) publishFailures += 1;
    });
    publishFailures += publishing.failures;
    // The peer broadcasts before it answers: messages of a publish answered too late (or never) are left out on both sides.
    const answered = new Set(acked.keys());
    for (const entry of early.splice(0)) {
      if (!answered.has(entry.id)) continue;
      latencies.record(entry.at - acked.get(entry.id)!);
      sentLatencies.record(entry.at - sent.get(entry.id)!);
    }
    const expected = count * answered.size;
    const received = await drain(ledger, expected, subscribers, (id) => answered.has(id));
    return {
      subscribers: count,
      published: answered.size,
      expected,
      delivered,
      lost: expected - received,
      uncounted: ledger.total() - received,
      duplicates,
      misrouted: 0,
      overDisclosed: 0,
      errors,
      resumes: 0,
      publishFailures,
      generatorDelayP99: publishing.generatorDelayP99,
      ...fanoutLatencies(latencies, sentLatencies, expected - received),
    };
  } finally {
    await bare.stop();
  }
}
