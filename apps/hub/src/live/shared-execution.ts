import { ExecutionArgs, ExecutionResult, GraphQLError, createSourceEventStream, execute, print } from 'graphql';
import { Viewer, visibilityClass } from '@kessetsu/auth';
import { PollableIterator, closableIterator } from './closable-iterator.js';
import { type LiveSocket, UNSENT_HIGH_WATER } from './live-socket.js';

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
    /** Payloads ready to send, reused from one send to the next. */
    const ready: Buffer[] = [];
    const deliverAll = async (): Promise<IteratorResult<ExecutionResult>> => {
      let next = source.poll?.();
      for (;;) {
        next ??= await source.next();
        // A backlog the feed hands over at once leaves in one send, without a promise per
        // event, up to what the socket may hold unsent (so that a subscriber who cannot keep
        // up still fills its own bounded queue, as it would one message at a time).
        let unsent = live.socket.unsent;
        while (next !== undefined && !next.done && !stopped) {
          let payload = payloadFor(next.value);
          if (payload instanceof Promise) payload = await payload;
          if (stopped) break;
          ready.push(payload);
          unsent += payload.length;
          next = unsent < UNSENT_HIGH_WATER ? source.poll?.() : undefined;
        }
        if (stopped) return { value: undefined, done: true };
        const full = ready.length > 0 ? live.socket.send(messagePrefix, ready, MESSAGE_END) : undefined;
        ready.length = 0;
        if (next?.done) return { value: undefined, done: true };
        // Only a wait lets more events arrive before the next look.
        if (full) {
          await full;
          next = source.poll?.();
        }
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
