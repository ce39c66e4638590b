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
    for (const connection of server.clients) connection.terminate();
    await new Promise((resolve) => server.close(resolve));
  });

  /** Waits until `list` holds `count` messages, or 5 s (then the test's expectations say what is missing). */
  const arrived = async (count: number, list = received) => {
    const until = Date.now() + 5000;
    while (list.length < count && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
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

  it('writes every message of one send in one write, in order', async () => {
    const live = new LiveSocket(serverSide);
    for (const message of messages.slice(0, 10)) expect(sendText(live, message)).toBeUndefined();
    expect(live.send(Buffer.from('<'), messages.slice(10).map((message) => Buffer.from(message)), Buffer.from('>'))).toBeUndefined();
    await arrived(messages.length);
    expect(received).toEqual([...messages.slice(0, 10), ...messages.slice(10).map((message) => `<${message}>`)]);
    expect(writes).toBe(11);
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

  /** Sends `text` until the socket holds unsent bytes (its reader having stopped); returns how many were sent. */
  const sendUntilHeld = (live: LiveSocket, text: string): number => {
    let sent = 0;
    while (live.unsent === 0 && sent < 10_000) {
      sendText(live, text);
      sent += 1;
    }
    expect(live.unsent).toBeGreaterThan(0);
    return sent;
  };

  it('asks the sender to wait once the socket holds UNSENT_HIGH_WATER unsent bytes', async () => {
    const live = new LiveSocket(serverSide);
    const large = 'x'.repeat(UNSENT_HIGH_WATER * 0.6);
    client.pause();
    let sent = sendUntilHeld(live, large);
    while (live.unsent < UNSENT_HIGH_WATER) {
      expect(sendText(live, large)).toBeUndefined();
      sent += 1;
    }
    const last = sendText(live, large);
    expect(last).toBeInstanceOf(Promise);
    client.resume();
    await last;
    await arrived(sent + 1);
    expect(received).toEqual(Array<string>(sent + 1).fill(large));
  });

  it('keeps the bytes of a write the kernel did not take whole while other connections send', async () => {
    const connected = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
    const other = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const otherReceived: string[] = [];
    other.on('message', (data) => otherReceived.push(String(data)));
    const otherLive = new LiveSocket(await connected);
    await new Promise((resolve) => other.once('open', resolve));
    const live = new LiveSocket(serverSide);
    const held = 'a'.repeat(50_000);
    client.pause();
    const sent = sendUntilHeld(live, held);
    // These are framed where the held write's bytes would be if it had not been handed its own buffer.
    for (let i = 0; i < 5; i += 1) sendText(otherLive, 'b'.repeat(50_000));
    client.resume();
    await arrived(sent);
    await arrived(5, otherReceived);
    expect(received).toEqual(Array<string>(sent).fill(held));
    expect(otherReceived).toEqual(Array<string>(5).fill('b'.repeat(50_000)));
    other.close();
  });

  it('drops what is sent after the socket closed', async () => {
    const live = new LiveSocket(serverSide);
    serverSide.close();
    expect(sendText(live, 'late')).toBeUndefined();
    await new Promise((resolve) => client.once('close', resolve));
    expect(received).toEqual([]);
  });
});
