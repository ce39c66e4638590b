import { EventEmitter } from 'node:events';
import { createServer } from 'node:http';
import { buildSchema } from 'graphql';
import { PubSub } from 'graphql-subscriptions';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';

/**
 * The fanout bench's peer: a bare graphql-ws server with an in-process PubSub, no
 * access control, executing every event once per subscriber (graphql-js' own
 * subscribe). POST /publish with `{ "events": [...] }` broadcasts them and answers
 * once they are handed to PubSub.
 */
const schema = buildSchema(`
  type Query { ok: Boolean }
  type Organization { id: ID! name: String! }
  type Publisher { pseudonym: String! organization: Organization }
  type Signal { id: ID! kind: String! severity: String! tlp: String! sourceRef: String text: String regions: [String!]! publisher: Publisher! }
  type SignalFeedEvent { cursor: String! signal: Signal! }
  type Subscription { signalPublished(after: String): SignalFeedEvent! }
`);

const TRIGGER = 'signal';
const events = new EventEmitter();
/** One listener per subscriber. */
events.setMaxListeners(0);
const pubsub = new PubSub({ eventEmitter: events });
const server = createServer((request, response) => {
  if (request.method !== 'POST' || request.url !== '/publish') {
    response.writeHead(404).end();
    return;
  }
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', async () => {
    const { events } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { events: unknown[] };
    for (const event of events) await pubsub.publish(TRIGGER, { signalPublished: event });
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
});
const sockets = new WebSocketServer({ server, path: '/graphql' });
useServer({ schema, roots: { subscription: { signalPublished: () => pubsub.asyncIterableIterator(TRIGGER) } } }, sockets);
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.send!({ type: 'ready', url: `http://127.0.0.1:${port}` });
});
process.on('disconnect', () => process.exit(0));
