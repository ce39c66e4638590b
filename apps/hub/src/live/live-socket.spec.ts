import type { AddressInfo, Socket } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { LiveSocket, UNSENT_HIGH_WATER } from './live-socket.js';

describe('LiveSocket', () => {
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

  const messages = Array.from({ length: 20 }, (_, i) => `event ${i}`);
  const parts = (text: string): [Buffer] => [Buffer.from(text)];

  it('writes once per message through ws alone, as graphql-ws sends (the cost it removes)', async () => {
    for (const message of messages) await new Promise<void>((resolve, reject) => serverSide.send(message, (error) => (error ? reject(error) : resolve())));
    await arrived(messages.length);
    expect(writes).toBe(messages.length);
  });

  it('lets the messages of one tick leave in one write, in order', async () => {
    const live = new LiveSocket(serverSide);
    for (const message of messages) expect(live.send(parts(message))).toBeUndefined();
    await arrived(messages.length);
    expect(received).toEqual(messages);
    expect(writes).toBe(1);
  });

  it('frames messages of every length class and UTF-8 text, made of parts, as ws would receive them', async () => {
    const live = new LiveSocket(serverSide);
    // Header lengths change at 126 and 65,536 bytes; 東京 is 6 bytes in 2 characters.
    const texts = [125, 126, 65_535, 65_536, 70_000].map((bytes) => 'x'.repeat(bytes - 8) + '"東京"');
    for (const text of texts) await live.send([Buffer.from(text.slice(0, 3)), Buffer.from(text.slice(3))]);
    await arrived(texts.length);
    expect(received.map((text) => Buffer.byteLength(text))).toEqual([125, 126, 65_535, 65_536, 70_000]);
    expect(received).toEqual(texts);
  });

  it('keeps its messages in order with what ws itself sends on the connection', async () => {
    const live = new LiveSocket(serverSide);
    live.send(parts('first'));
    serverSide.send('from ws');
    live.send(parts('last'));
    await arrived(3);
    expect(received).toEqual(['first', 'from ws', 'last']);
  });

  it('refuses a connection that negotiated an extension (its frames would need it)', async () => {
    const compressing = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: true });
    await new Promise((resolve) => compressing.once('listening', resolve));
    const connected = new Promise<WebSocket>((resolve) => compressing.once('connection', resolve));
    const compressingClient = new WebSocket(`ws://127.0.0.1:${(compressing.address() as AddressInfo).port}`, { perMessageDeflate: true });
    const compressingSide = await connected;
    await new Promise((resolve) => compressingClient.once('open', resolve));
    expect(() => new LiveSocket(compressingSide)).toThrow(/permessage-deflate/);
    compressingClient.close();
    await new Promise((resolve) => compressing.close(resolve));
  });

  it('asks the sender to wait once the socket holds UNSENT_HIGH_WATER unsent bytes', async () => {
    const live = new LiveSocket(serverSide);
    const large = 'x'.repeat(UNSENT_HIGH_WATER * 0.6);
    expect(live.send(parts(large))).toBeUndefined();
    expect(live.send(parts(large))).toBeUndefined();
    // Both are held until the end of this tick: the third finds more than the limit unsent.
    const third = live.send(parts(large));
    expect(third).toBeInstanceOf(Promise);
    expect(serverSide.bufferedAmount).toBeGreaterThanOrEqual(UNSENT_HIGH_WATER);
    await third;
    await arrived(3);
    expect(received.map((message) => message.length)).toEqual([large.length, large.length, large.length]);
  });

  it('drops what is sent after the socket closed', async () => {
    const live = new LiveSocket(serverSide);
    serverSide.close();
    expect(live.send(parts('late'))).toBeUndefined();
    await new Promise((resolve) => client.once('close', resolve));
    expect(received).toEqual([]);
  });
});
