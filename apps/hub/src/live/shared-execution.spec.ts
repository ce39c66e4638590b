import { ExecutionResult, buildSchema, parse } from 'graphql';
import { OrgKind, UserRole } from '@kessetsu/schema';
import type { Viewer } from '@kessetsu/auth';
import { closableIterator } from './closable-iterator.js';
import { type LiveSocket, UNSENT_HIGH_WATER } from './live-socket.js';
import { sharedExecutionSubscribe } from './shared-execution.js';

const schema = buildSchema(`
  type Query { ping: Int }
  type Tick { n: Int! seenBy: String! }
  type Subscription { tick: Tick! }
`);

const viewer = (orgId: string): Viewer => ({
  principal: 'user',
  orgId,
  orgKind: OrgKind.CARRIER,
  role: UserRole.VIEWER,
  scopes: [],
  userId: `user-${Math.random()}`,
  apiKeyId: null,
  expiresAt: null,
});

/**
 * Records what a subscription sends, as its LiveSocket would write it, and how many messages
 * each send carried; `wait` makes each send ask the sender to wait; `unsent` is what the
 * socket reports it still holds.
 */
function recordingSocket(wait = false, unsent = 0) {
  const sent: string[] = [];
  const sends: number[] = [];
  let waits = 0;
  const socket = {
    unsent,
    send: (prefix: Buffer, payloads: readonly Buffer[], suffix: Buffer) => {
      for (const payload of payloads) sent.push(Buffer.concat([prefix, payload, suffix]).toString('utf8'));
      sends.push(payloads.length);
      if (!wait) return undefined;
      waits += 1;
      return new Promise<void>((resolve) => setTimeout(resolve, 1));
    },
  } as unknown as LiveSocket;
  return { socket, sent, sends, waits: () => waits };
}

interface Start {
  socket: LiveSocket;
  query: string;
  /** The subscription root's `tick` resolver. */
  tick: unknown;
  subscribe?: ReturnType<typeof sharedExecutionSubscribe>;
  who?: Viewer;
  subscriptionId?: string;
}

/** Starts one subscription (by default org-a's, id `s`) sending on `socket`. */
function start({ socket, query, tick, subscribe = sharedExecutionSubscribe(), who = viewer('org-a'), subscriptionId = 's' }: Start) {
  return subscribe({ schema, document: parse(query), contextValue: { viewer: who, live: { socket, subscriptionId } }, rootValue: { tick } });
}

/** One subscription whose source yields the given event objects: the messages it sent, parsed. */
async function run(subscribe: ReturnType<typeof sharedExecutionSubscribe>, who: Viewer, events: object[], query = 'subscription { tick { n seenBy } }', subscriptionId = 'sub-1') {
  const { socket, sent } = recordingSocket();
  const iterator = await start({ socket, query, tick: async function* () { yield* events; }, subscribe, who, subscriptionId });
  for await (const yielded of iterator as AsyncIterable<ExecutionResult>) throw new Error(`yielded ${JSON.stringify(yielded)} instead of sending it`);
  return { messages: sent.map((text) => JSON.parse(text)), sent };
}

describe('sharedExecutionSubscribe', () => {
  let executions = 0;
  const event = (n: number) => ({
    tick: {
      n,
      seenBy: (_args: unknown, context: { viewer: Viewer }) => {
        executions += 1;
        return context.viewer.orgId;
      },
    },
  });

  beforeEach(() => (executions = 0));

  it('executes and serialises an event once for all subscribers of one visibility class', async () => {
    const subscribe = sharedExecutionSubscribe();
    const events = [event(1), event(2)];
    const [first, second] = await Promise.all([run(subscribe, viewer('org-a'), events, undefined, 'a'), run(subscribe, viewer('org-a'), events, undefined, 'b')]);
    expect(executions).toBe(2);
    expect(first.messages).toEqual([
      { id: 'a', type: 'next', payload: { data: { tick: { n: 1, seenBy: 'org-a' } } } },
      { id: 'a', type: 'next', payload: { data: { tick: { n: 2, seenBy: 'org-a' } } } },
    ]);
    expect(second.messages.map((message) => message.id)).toEqual(['b', 'b']);
    expect(second.messages.map((message) => message.payload)).toEqual(first.messages.map((message) => message.payload));
  });

  it('executes separately per class, per document and per event', async () => {
    const subscribe = sharedExecutionSubscribe();
    const shared = event(1);
    const [a, b, other] = await Promise.all([
      run(subscribe, viewer('org-a'), [shared]),
      run(subscribe, viewer('org-b'), [shared]),
      run(subscribe, viewer('org-a'), [shared], 'subscription { tick { seenBy } }'),
    ]);
    expect(a.messages[0].payload.data).toEqual({ tick: { n: 1, seenBy: 'org-a' } });
    expect(b.messages[0].payload.data).toEqual({ tick: { n: 1, seenBy: 'org-b' } });
    expect(other.messages[0].payload.data).toEqual({ tick: { seenBy: 'org-a' } });
    expect(executions).toBe(3);
    await run(subscribe, viewer('org-a'), [event(1)]);
    expect(executions).toBe(4);
  });

  it('sends field errors in the payload as graphql-ws would', async () => {
    const failing = { tick: { n: 1, seenBy: () => { throw new Error('no name'); } } };
    const { messages } = await run(sharedExecutionSubscribe(), viewer('org-a'), [failing]);
    expect(messages[0].payload).toEqual({
      // `tick` is non-null, so the error nulls the whole result.
      data: null,
      errors: [{ message: 'no name', locations: [{ line: 1, column: 25 }], path: ['tick', 'seenBy'] }],
    });
  });

  it('waits whenever the socket asks, keeping the order', async () => {
    const { socket, sent, waits } = recordingSocket(true);
    const iterator = await start({ socket, query: 'subscription { tick { n } }', tick: async function* () { yield* [1, 2, 3].map((n) => ({ tick: { n } })); } });
    await (iterator as AsyncIterableIterator<ExecutionResult>).next();
    expect(waits()).toBe(3);
    expect(sent.map((text) => JSON.parse(text).payload.data.tick.n)).toEqual([1, 2, 3]);
  });

  it('takes the events a source has ready through poll, and waits through next when it has none', async () => {
    const ready = [1, 2, 3];
    const calls: string[] = [];
    const source = closableIterator<object>(
      async () => {
        calls.push('next');
        return calls.filter((call) => call === 'next').length === 1 ? { value: { tick: { n: 4 } }, done: false } : { value: undefined, done: true };
      },
      () => ({ value: undefined, done: true }),
      () => {
        calls.push('poll');
        const n = ready.shift();
        return n === undefined ? undefined : { value: { tick: { n } }, done: false };
      },
    );
    const { socket, sent } = recordingSocket();
    const iterator = await start({ socket, query: 'subscription { tick { n } }', tick: () => source });
    expect(await (iterator as AsyncIterableIterator<ExecutionResult>).next()).toEqual({ value: undefined, done: true });
    expect(sent.map((text) => JSON.parse(text).payload.data.tick.n)).toEqual([1, 2, 3, 4]);
    expect(calls).toEqual(['poll', 'poll', 'poll', 'poll', 'next', 'poll', 'next']);
  });

  it('sends what a source has ready in one send, unless the socket already holds as much as it may', async () => {
    const readySource = () => {
      const ready = [1, 2, 3, 4];
      const take = () => {
        const n = ready.shift();
        return n === undefined ? undefined : { value: { tick: { n } }, done: false };
      };
      return closableIterator<object>(
        async () => take() ?? { value: undefined, done: true },
        () => ({ value: undefined, done: true }),
        take,
      );
    };
    const idle = recordingSocket();
    await (await start({ socket: idle.socket, query: 'subscription { tick { n } }', tick: readySource }) as AsyncIterableIterator<ExecutionResult>).next();
    expect(idle.sends).toEqual([4]);
    const full = recordingSocket(false, UNSENT_HIGH_WATER);
    await (await start({ socket: full.socket, query: 'subscription { tick { n } }', tick: readySource }) as AsyncIterableIterator<ExecutionResult>).next();
    expect(full.sends).toEqual([1, 1, 1, 1]);
    expect(full.sent.map((text) => JSON.parse(text).payload.data.tick.n)).toEqual([1, 2, 3, 4]);
  });

  it('sends nothing for an event still executing when the subscription is stopped', async () => {
    let finish!: (name: string) => void;
    const slow = { tick: { n: 1, seenBy: () => new Promise<string>((resolve) => (finish = resolve)) } };
    const { socket, sent } = recordingSocket();
    const iterator = (await start({
      socket,
      query: 'subscription { tick { n seenBy } }',
      tick: async function* () {
        yield slow;
        await new Promise(() => {});
      },
    })) as AsyncIterableIterator<ExecutionResult>;
    const delivery = iterator.next();
    while (!finish) await new Promise((resolve) => setTimeout(resolve, 1));
    await iterator.return!();
    finish('late');
    expect(await delivery).toEqual({ value: undefined, done: true });
    expect(sent).toEqual([]);
  });

  it('refuses a subscription that did not come over graphql-ws', async () => {
    const result = await sharedExecutionSubscribe()({ schema, document: parse('subscription { tick { n } }'), contextValue: { viewer: viewer('org-a') } });
    expect(result).toMatchObject({ errors: [expect.objectContaining({ message: 'Subscriptions are served over graphql-ws only' })] });
  });

  it('returns the errors of a subscription that cannot start', async () => {
    const refuse = () => {
      throw new Error('not signed in');
    };
    const { socket } = recordingSocket();
    const result = await start({ socket, query: 'subscription { tick { n } }', tick: refuse });
    expect(result).toMatchObject({ errors: [expect.objectContaining({ message: 'not signed in' })] });
  });
});
