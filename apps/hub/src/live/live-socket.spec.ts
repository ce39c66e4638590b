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
  const empty = Buffer.alloc(0);
  /** Sends one message of the given text (prefix and suffix empty). */
  const sendText = (live: LiveSocket, text: string) => live.send(empty, [Buffer.from(text)], empty);

  it('writes once per message through ws alone, as graphql-ws sends (the cost it removes)', async () => {
    for (const message of messages) await new Promise<void>((resolve, reject) => serverSide.send(message, (error) => (error ? reject(error) : resolve())));
    await arrived(messages.length);
    expect(writes).toBe(messages.length);
  });

  it('lets the messages of one tick leave in one write, in order, whether sent one by one or together', async () => {
    const live = new LiveSocket(serverSide);
    for (const message of messages.slice(0, 10)) expect(sendText(live, message)).toBeUndefined();
    expect(live.send(Buffer.from('<'), messages.slice(10).map((message) => Buffer.from(message)), Buffer.from('>'))).toBeUndefined();
    await arrived(messages.length);
    expect(received).toEqual([...messages.slice(0, 10), ...messages.slice(10).map((message) => `<${message}>`)]);
    expect(writes).toBe(1);
  });

  it('frames messages of every length class and UTF-8 text, between a prefix and a suffix, as ws would receive them', async () => {
    const live = new LiveSocket(serverSide);
    // Header lengths change at 126 and 65,536 bytes; 東京 is 6 bytes in 2 characters.
    const lengths = [125, 126, 65_535, 65_536, 70_000];
    const bodies = lengths.map((bytes) => 'x'.repeat(bytes - 12) + '"東京"');
    const expected = bodies.map((body) => `東${body}}`);
    // One by one, then all in one send: each message's end joined to the next one's header.
    for (const body of bodies) await live.send(Buffer.from('東'), [Buffer.from(body)], Buffer.from('}'));
    await live.send(Buffer.from('東'), bodies.map((body) => Buffer.from(body)), Buffer.from('}'));
    await arrived(2 * bodies.length);
    expect(received.map((text) => Buffer.byteLength(text))).toEqual([...lengths, ...lengths]);
    expect(received).toEqual([...expected, ...expected]);
  });

  it('keeps its messages in order with what ws itself sends on the connection', async () => {
    const live = new LiveSocket(serverSide);
    sendText(live, 'first');
    serverSide.send('from ws');
    sendText(live, 'last');
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
    expect(sendText(live, large)).toBeUndefined();
    expect(sendText(live, large)).toBeUndefined();
    // Both are held until the end of this tick: the third finds more than the limit unsent.
    expect(live.unsent).toBeGreaterThanOrEqual(UNSENT_HIGH_WATER);
    const third = sendText(live, large);
    expect(third).toBeInstanceOf(Promise);
    expect(serverSide.bufferedAmount).toBeGreaterThanOrEqual(UNSENT_HIGH_WATER);
    await third;
    await arrived(3);
    expect(received.map((message) => message.length)).toEqual([large.length, large.length, large.length]);
  });

  it('drops what is sent after the socket closed', async () => {
    const live = new LiveSocket(serverSide);
    serverSide.close();
    expect(sendText(live, 'late')).toBeUndefined();
    await new Promise((resolve) => client.once('close', resolve));
    expect(received).toEqual([]);
  });
});
