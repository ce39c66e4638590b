import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TlpLabel } from '@kessetsu/schema';
import { Disclosure, Viewer, disclosureFor } from '@kessetsu/auth';
import type { BenchMember } from './bench-members.js';
import { Subscriber, openSubscriber, openSubscribers } from './live-clients.js';

/** A signal the publisher saw acknowledged; `ackedAt` is wall-clock ms with sub-ms precision (shared by both processes). */
export interface AckedSignal {
  id: string;
  tlp: TlpLabel;
  publisherOrgId: string;
  recipientOrgIds: string[];
  ackedAt: number;
}

export interface ReceiverFigures {
  expected: number;
  delivered: number;
  lost: number;
  duplicates: number;
  misrouted: number;
  overDisclosed: number;
  errors: string[];
  /** Subscriptions the server ended (too far behind) that the client resumed from its cursor. */
  resumes: number;
  p50: number;
  p95: number;
  p99: number;
}

export interface ReceiverOptions {
  wsUrls: string[];
  /** Who each subscriber signs in as (subscriber i is member i mod length); null for the bare server, where everyone gets everything. */
  members: { member: BenchMember; viewer: Viewer }[] | null;
  count: number;
  query: string;
}

type Command = { type: 'open'; options: ReceiverOptions } | { type: 'acked'; signals: AckedSignal[] } | { type: 'drain'; drainMs: number };
type Report = { type: 'opened' } | { type: 'drained'; figures: ReceiverFigures };

export const wallClock = () => performance.timeOrigin + performance.now();

/** Latency histogram in 0.1 ms steps up to two minutes; later deliveries land in the last step. */
class LatencyHistogram {
  private readonly steps = new Uint32Array(1_200_000);
  private total = 0;

  add(ms: number): void {
    this.steps[Math.min(this.steps.length - 1, Math.max(0, Math.round(ms * 10)))] += 1;
    this.total += 1;
  }

  /** Percentile with `missing` samples counted as slower than any recorded one (Infinity when they decide it). */
  percentile(fraction: number, missing: number): number {
    const rank = Math.max(1, Math.ceil(fraction * (this.total + missing)));
    if (rank > this.total) return Number.POSITIVE_INFINITY;
    let seen = 0;
    for (let step = 0; step < this.steps.length; step += 1) {
      seen += this.steps[step];
      if (seen >= rank) return step / 10;
    }
    return Number.POSITIVE_INFINITY;
  }
}

/**
 * The receiving side of the fanout bench, in its own process so that thousands of
 * subscribers do not share an event loop with the publisher (whose acknowledgement
 * times would otherwise wait behind incoming messages). Every delivery is checked
 * against the access policy once the publisher reports the signal's label.
 */
function receive(): void {
  const send = (report: Report) => process.send!(report);
  let options: ReceiverOptions;
  let subscribers: Subscriber[] = [];
  let seen: Set<string>[] = [];
  let cursors: (string | null)[] = [];
  const acked = new Map<string, AckedSignal>();
  const waiting = new Map<string, { subscriber: number; signal: any; at: number }[]>();
  /** disclosureFor per signal and member, computed once. */
  const disclosures = new Map<string, (Disclosure | null)[]>();
  const latencies = new LatencyHistogram();
  const errors: string[] = [];
  let delivered = 0;
  let duplicates = 0;
  let misrouted = 0;
  let overDisclosed = 0;
  let resumes = 0;

  const memberOf = (subscriber: number) => (options.members ? subscriber % options.members.length : -1);
  const disclosureOf = (signal: AckedSignal, member: number): Disclosure | null => {
    let byMember = disclosures.get(signal.id);
    if (!byMember) disclosures.set(signal.id, (byMember = options.members!.map(({ viewer }) => disclosureFor(viewer, signal))));
    return byMember[member];
  };

  const account = (subscriber: number, signal: any, at: number, record: AckedSignal) => {
    if (options.members) {
      const disclosure = disclosureOf(record, memberOf(subscriber));
      if (!disclosure) misrouted += 1;
      else if (!disclosure.identity && (signal.sourceRef !== null || signal.publisher.organization !== null || /06-1234-5678/.test(signal.text))) {
        overDisclosed += 1;
      }
    }
    latencies.add(at - record.ackedAt);
  };

  const onNext = (subscriber: number) => (payload: any, receivedAt: number) => {
    const at = performance.timeOrigin + receivedAt;
    const signal = payload?.data?.signalPublished?.signal;
    if (!signal) {
      errors.push(JSON.stringify(payload).slice(0, 200));
      return;
    }
    delivered += 1;
    cursors[subscriber] = payload.data.signalPublished.cursor;
    if (seen[subscriber].has(signal.id)) {
      duplicates += 1;
      return;
    }
    seen[subscriber].add(signal.id);
    const record = acked.get(signal.id);
    if (record) account(subscriber, signal, at, record);
    else waiting.get(signal.id)?.push({ subscriber, signal, at }) ?? waiting.set(signal.id, [{ subscriber, signal, at }]);
  };

  const drain = async (drainMs: number): Promise<ReceiverFigures> => {
    const visiblePerMember = options.members?.map((_, member) => [...acked.values()].filter((signal) => disclosureOf(signal, member)).length);
    const expected = subscribers.reduce((sum, _, i) => sum + (visiblePerMember ? visiblePerMember[memberOf(i)] : acked.size), 0);
    const received = () => seen.reduce((sum, set) => sum + set.size, 0);
    const ends = Date.now() + drainMs;
    while (Date.now() < ends && received() < expected) await new Promise((resolve) => setTimeout(resolve, 200));
    for (const subscriber of subscribers) subscriber.close();
    const missing = Math.max(0, expected - received());
    return {
      expected,
      delivered,
      lost: missing + misrouted,
      duplicates,
      misrouted,
      overDisclosed,
      errors: [...errors, ...[...waiting.keys()].map((id) => `delivered but never acknowledged to the publisher: ${id}`)].slice(0, 20),
      resumes,
      p50: latencies.percentile(0.5, missing),
      p95: latencies.percentile(0.95, missing),
      p99: latencies.percentile(0.99, missing),
    };
  };

  process.on('message', async (command: Command) => {
    if (command.type === 'open') {
      options = command.options;
      seen = Array.from({ length: options.count }, () => new Set());
      cursors = Array<string | null>(options.count).fill(null);
      const membersCount = options.members?.length ?? 1;
      subscribers = await openSubscribers(options.count, (i) =>
        openSubscriber(
          {
            url: options.wsUrls[Math.floor(i / membersCount) % options.wsUrls.length],
            token: options.members?.[memberOf(i)].member.token ?? null,
            query: options.query,
            onNext: onNext(i),
            onError: (error) => errors.push(error),
            resumeAfter: options.members ? () => cursors[i] : undefined,
            onResume: () => void (resumes += 1),
          },
          memberOf(i),
        ),
      );
      send({ type: 'opened' });
    } else if (command.type === 'acked') {
      for (const signal of command.signals) {
        acked.set(signal.id, signal);
        for (const early of waiting.get(signal.id) ?? []) account(early.subscriber, early.signal, early.at, signal);
        waiting.delete(signal.id);
      }
    } else {
      send({ type: 'drained', figures: await drain(command.drainMs) });
    }
  });
}

export interface Receiver {
  /** Reports acknowledged signals; sent in batches, since deliveries are matched to them whenever they arrive. */
  acked(signal: AckedSignal): void;
  /** Waits up to drainMs for every expected delivery, closes the subscribers and returns the figures. */
  drain(drainMs: number): Promise<ReceiverFigures>;
  stop(): Promise<void>;
}

const ACK_BATCH_MS = 50;

/** Forks a receiver process and opens its subscribers. */
export async function forkReceiver(options: ReceiverOptions): Promise<Receiver> {
  const child = fork(fileURLToPath(import.meta.url), ['receiver'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const reply = <T extends Report['type']>(type: T, command: Command) =>
    new Promise<Extract<Report, { type: T }>>((resolve, reject) => {
      const onMessage = (report: Report) => {
        if (report.type !== type) return;
        child.off('message', onMessage);
        resolve(report as Extract<Report, { type: T }>);
      };
      child.on('message', onMessage);
      void exited.then(() => reject(new Error(`fanout receiver exited while waiting for ${type}`)));
      child.send(command);
    });
  await reply('opened', { type: 'open', options });
  let batch: AckedSignal[] = [];
  const flush = () => {
    if (batch.length > 0) child.send({ type: 'acked', signals: batch } satisfies Command);
    batch = [];
  };
  const timer = setInterval(flush, ACK_BATCH_MS);
  return {
    acked: (signal) => void batch.push(signal),
    drain: async (drainMs) => {
      clearInterval(timer);
      flush();
      return (await reply('drained', { type: 'drain', drainMs })).figures;
    },
    stop: async () => {
      clearInterval(timer);
      child.disconnect();
      await exited;
    },
  };
}

if (process.argv[2] === 'receiver') receive();
