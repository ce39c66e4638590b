import type { Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { UNSENT_HIGH_WATER, coalesceSends } from './coalesced-sends.js';

describe('coalesceSends', () => {
  let server: WebSocketServer;
  let client: WebSocket;
  let serverSide: WebSocket;
  let writes: number;
  const received: string[] = [];

  beforeEach(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => server.once('listening', resolve));
    const connected = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
    client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    client.on('message', (data) => received.push(String(data)));
    serverSide = await connected;
    await new Promise((resolve) => client.once('open', resolve));
    received.length = 0;
    // Counts the writes that reach the TCP socket's system calls (net.Socket has both).
    const tcp = (serverSide as unknown as { _socket: Socket & { _write: Function; _writev: Function } })._socket;
    writes = 0;
    for (const method of ['_write', '_writev'] as const) {
      const original = tcp[method].bind(tcp);
      tcp[method] = (...args: unknown[]) => {
        writes += 1;
        return original(...args);
      };
    }
  });

  afterEach(async () => {
    client.close();
    await new Promise((resolve) => server.close(resolve));
  });

  const arrived = async (count: number) => {
    while (received.length < count) await new Promise((resolve) => setTimeout(resolve, 5));
  };

  /** Sends the way graphql-ws does: each message after the previous one's callback. */
  const sendInTurn = async (socket: WebSocket, messages: string[]) => {
    for (const message of messages) await new Promise<void>((resolve, reject) => socket.send(message, (error) => (error ? reject(error) : resolve())));
  };

  const messages = Array.from({ length: 20 }, (_, i) => `event ${i}`);

  it('writes once per message without it (the cost it removes)', async () => {
    await sendInTurn(serverSide, messages);
    await arrived(messages.length);
    expect(writes).toBe(messages.length);
  });

  it('lets the messages of one tick leave in one write, in order', async () => {
    coalesceSends(serverSide);
    await sendInTurn(serverSide, messages);
    await arrived(messages.length);
    expect(received).toEqual(messages);
    expect(writes).toBe(1);
  });

  it('makes a send wait for its write once the socket holds UNSENT_HIGH_WATER unsent bytes', async () => {
    coalesceSends(serverSide);
    const large = 'x'.repeat(UNSENT_HIGH_WATER * 0.6);
    const completed: number[] = [];
    for (let i = 0; i < 3; i += 1) serverSide.send(large, () => completed.push(i));
    // All three are held until the end of this tick; the third found more than the limit unsent.
    expect(completed).toEqual([0, 1]);
    expect(serverSide.bufferedAmount).toBeGreaterThanOrEqual(UNSENT_HIGH_WATER);
    await arrived(3);
    expect(completed).toEqual([0, 1, 2]);
    expect(received.map((message) => message.length)).toEqual([large.length, large.length, large.length]);
  });
});
