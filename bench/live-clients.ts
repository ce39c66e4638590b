import WebSocket from 'ws';

export interface Subscriber {
  /** Which member it signs in as (index into the bench's member list), or -1 for a bare server. */
  member: number;
  close(): void;
}

export interface SubscribeOptions {
  url: string;
  token: string | null;
  query: string;
  onNext(payload: any, receivedAt: number): void;
  onError(error: string): void;
  /**
   * Where to resume when the server ends the subscription (a subscriber too far
   * behind is ended so that it resumes from its cursor): the `after` variable to
   * subscribe again with. Without it, an ended subscription stays ended.
   */
  resumeAfter?(): string | null;
  onResume?(): void;
}

/** Parsed messages by their text, shared by all connections (see parseMessage). */
const parsedByText = new Map<string, any>();
const MAX_PARSED_TEXTS = 5000;

/**
 * Subscribers of one visibility class receive byte-identical messages, so the load generator
 * parses each distinct text once; every delivery is still checked on its own. The parsed
 * objects are shared and must not be changed.
 */
function parseMessage(text: string): any {
  let message = parsedByText.get(text);
  if (message === undefined) {
    if (parsedByText.size >= MAX_PARSED_TEXTS) parsedByText.clear();
    message = JSON.parse(text);
    parsedByText.set(text, message);
  }
  return message;
}

/**
 * One graphql-transport-ws connection with one subscription, kept to the protocol's
 * bare minimum so that thousands fit in the load generator.
 */
export function openSubscriber(options: SubscribeOptions, member = -1): Promise<Subscriber> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(options.url, 'graphql-transport-ws');
    let subscribed = false;
    let operation = 1;
    socket.on('open', () => {
      socket.send(JSON.stringify({ type: 'connection_init', payload: options.token ? { authorization: `Bearer ${options.token}` } : {} }));
    });
    socket.on('message', (data) => {
      const receivedAt = performance.now();
      const message = parseMessage(String(data));
      if (message.type === 'connection_ack') {
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: options.query } }));
        subscribed = true;
        resolve({ member, close: () => socket.close(1000) });
      } else if (message.type === 'next') {
        options.onNext(message.payload, receivedAt);
      } else if (message.type === 'complete' && message.id === String(operation) && options.resumeAfter) {
        operation += 1;
        options.onResume?.();
        socket.send(JSON.stringify({ id: String(operation), type: 'subscribe', payload: { query: options.query, variables: { after: options.resumeAfter() } } }));
      } else if (message.type === 'error') {
        options.onError(JSON.stringify(message.payload));
      } else if (message.type === 'ping') {
        socket.send(JSON.stringify({ type: 'pong' }));
      }
    });
    socket.on('error', (error) => (subscribed ? options.onError(String(error)) : reject(error)));
    socket.on('close', (code) => {
      if (!subscribed) reject(new Error(`closed with ${code} before subscribing`));
      else if (code !== 1000) options.onError(`closed with ${code}`);
    });
  });
}

/** Opens `count` subscribers, `parallel` at a time. */
export async function openSubscribers(count: number, open: (index: number) => Promise<Subscriber>, parallel = 100): Promise<Subscriber[]> {
  const subscribers: Subscriber[] = [];
  for (let start = 0; start < count; start += parallel) {
    subscribers.push(...(await Promise.all(Array.from({ length: Math.min(parallel, count - start) }, (_, i) => open(start + i)))));
  }
  return subscribers;
}
