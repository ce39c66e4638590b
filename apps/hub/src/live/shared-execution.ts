import { ExecutionArgs, ExecutionResult, GraphQLError, createSourceEventStream, execute, print } from 'graphql';
import { Viewer, visibilityClass } from '@kessetsu/auth';
import { PollableIterator, closableIterator } from './closable-iterator.js';
import type { LiveSocket } from './live-socket.js';

const MESSAGE_END = Buffer.from('}');

const toJsonBuffer = (result: ExecutionResult): Buffer => Buffer.from(JSON.stringify(result));

/** What a graphql-ws subscription's context carries (see hubGraphqlOptions). */
export interface LiveOperationContext {
  viewer?: Viewer;
  /** The connection and the subscription's id, which its `next` messages are sent on. */
  live?: { socket: LiveSocket; subscriptionId: string };
}

/**
 * graphql-ws `subscribe` that executes each live event once per visibility class,
 * operation and variables, instead of once per subscriber (what graphql-js does), and
 * serialises the result once as well.
 *
 * The feeds hand every subscriber of one class the same event object (see
 * OrderedFeedSource.eventFor), so the event's identity plus the class, document and
 * variables decide the result; its JSON is computed by the first subscriber to need it and
 * shared by the rest. The cache is keyed weakly by the event, so it lives exactly as long
 * as some subscriber still holds the event.
 *
 * Each subscription writes its own `next` messages to its LiveSocket, a prefix with its id
 * around the shared JSON, instead of yielding results for graphql-ws to serialise and send
 * one by one (a copy of the payload, a dozen promises and a system call per message). To
 * graphql-ws the iterator is one `next` that settles when the feed ends; graphql-ws still
 * owns the connection, the `complete` and `error` messages, and stopping the subscription.
 */
export function sharedExecutionSubscribe(): (args: ExecutionArgs) => Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
  const payloads = new WeakMap<object, Map<string, Buffer | Promise<Buffer>>>();
  return async (args) => {
    const { viewer, live } = (args.contextValue ?? {}) as LiveOperationContext;
    if (!live) return { errors: [new GraphQLError('Subscriptions are served over graphql-ws only')] };
    const stream = await createSourceEventStream(args);
    if (!isAsyncIterable(stream)) return stream;
    const source: AsyncIterator<unknown> & Pick<PollableIterator<unknown>, 'poll'> = stream[Symbol.asyncIterator]();
    const operationKey = [
      viewer ? visibilityClass(viewer) : 'no-viewer',
      args.operationName ?? '',
      JSON.stringify(args.variableValues ?? {}),
      print(args.document),
    ].join('\n');
    const serialised = (result: ExecutionResult | Promise<ExecutionResult>): Buffer | Promise<Buffer> =>
      result instanceof Promise ? result.then(toJsonBuffer) : toJsonBuffer(result);
    const payloadFor = (event: unknown): Buffer | Promise<Buffer> => {
      if (typeof event !== 'object' || event === null) return serialised(execute({ ...args, rootValue: event }));
      let byOperation = payloads.get(event);
      if (!byOperation) {
        byOperation = new Map();
        payloads.set(event, byOperation);
      }
      let payload = byOperation.get(operationKey);
      if (payload === undefined) {
        payload = serialised(execute({ ...args, rootValue: event }));
        byOperation.set(operationKey, payload);
      }
      return payload;
    };
    const messagePrefix = Buffer.from(`{"id":${JSON.stringify(live.subscriptionId)},"type":"next","payload":`);
    /** Set when graphql-ws stops the subscription: nothing may follow its `complete`. */
    let stopped = false;
    const deliverAll = async (): Promise<IteratorResult<ExecutionResult>> => {
      for (;;) {
        // A backlog is sent without a promise per event when the feed can hand it over at once.
        const next = source.poll?.() ?? (await source.next());
        if (next.done || stopped) return { value: undefined, done: true };
        let payload = payloadFor(next.value);
        if (payload instanceof Promise) payload = await payload;
        if (stopped) return { value: undefined, done: true };
        const full = live.socket.send([messagePrefix, payload, MESSAGE_END]);
        if (full) await full;
      }
    };
    let delivery: Promise<IteratorResult<ExecutionResult>> | null = null;
    return closableIterator<ExecutionResult>(
      () => (delivery ??= deliverAll()),
      () => {
        stopped = true;
        void source.return?.();
        return { value: undefined, done: true };
      },
    );
  };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}
