import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { Socket } from 'node:net';
import { Opcode, frameHeaderLength, writeFrameHeader } from '../apps/hub/src/live/websocket-frame.js';

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

interface ParsedMessage {
  bytes: Buffer;
  message: any;
}

/** Parsed messages by sampleKey, shared by all connections (see parseMessage). */
const parsedByKey = new Map<number, ParsedMessage[]>();
let parsedCount = 0;
const MAX_PARSED_MESSAGES = 5000;
/** Where graphql-ws messages differ from one signal to the next: the operation id, the cursor and the signal's id. */
const HEAD_BYTES = 192;

/**
 * A number from the message's length, its first HEAD_BYTES and a few bytes spread over the
 * rest: cheap to compute (0.2 us for a message, against 1 us to decode and look up its
 * text), and a match is always confirmed byte for byte.
 */
function sampleKey(bytes: Buffer): number {
  let key = bytes.length;
  const head = Math.min(bytes.length, HEAD_BYTES);
  for (let i = 0; i < head; i += 1) key = (Math.imul(key, 31) + bytes[i]) | 0;
  const step = Math.max(1, (bytes.length - head) >> 4);
  for (let i = head; i < bytes.length; i += step) key = (Math.imul(key, 31) + bytes[i]) | 0;
  return key;
}

/**
 * Subscribers of one visibility class receive byte-identical messages, so the load generator
 * decodes and parses each distinct message once; every delivery is still checked on its own.
 * Keyed by bytes rather than by decoded text: decoding and hashing each 1 KB text was 18% of
 * the generator's busy time at 1,000 subscribers (bench/README.md). The parsed objects are
 * shared and must not be changed.
 */
function parseMessage(bytes: Buffer): any {
  const key = sampleKey(bytes);
  let bucket = parsedByKey.get(key);
  if (bucket) for (const entry of bucket) if (entry.bytes.equals(bytes)) return entry.message;
  if (parsedCount >= MAX_PARSED_MESSAGES) {
    parsedByKey.clear();
    parsedCount = 0;
    bucket = undefined;
  }
  if (!bucket) parsedByKey.set(key, (bucket = []));
  // A copy: the frame is a view of the socket's chunk, which it would otherwise keep alive.
  const entry = { bytes: Buffer.from(bytes), message: JSON.parse(bytes.toString('utf8')) };
  bucket.push(entry);
  parsedCount += 1;
  return entry.message;
}

const { TEXT, CLOSE, PING, PONG } = Opcode;
const ACCEPT_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** A client frame: client-to-server frames are masked (RFC 6455, 5.3). */
function clientFrame(opcode: number, payload: Buffer): Buffer {
  const header = frameHeaderLength(payload.length);
  const frame = Buffer.allocUnsafe(header + 4 + payload.length);
  writeFrameHeader(frame, opcode, payload.length, true);
  const mask = randomBytes(4);
  mask.copy(frame, header);
  for (let i = 0; i < payload.length; i += 1) frame[header + 4 + i] = payload[i] ^ mask[i & 3];
  return frame;
}

/**
 * Whole unmasked frames from a server's byte stream, each with the time its bytes were
 * read. The load generator reads up to 160,000 messages a second on a core it shares
 * with the hub; ws's receiver (a writable stream and an event per frame) cost it about
 * 3 us each and put its own event loop 85 ms behind at the 99th percentile, which every
 * receipt time then included (bench/README.md).
 */
function readFrames(socket: Socket, head: Buffer, onFrame: (opcode: number, payload: Buffer, receivedAt: number) => void, onBadFrame: (why: string) => void) {
  let pending: Buffer | null = null;
  const take = (chunk: Buffer) => {
    const receivedAt = performance.now();
    const data: Buffer = pending ? Buffer.concat([pending, chunk]) : chunk;
    let offset = 0;
    while (data.length - offset >= 2) {
      const first = data[offset];
      const second = data[offset + 1];
      if ((first & 0x80) === 0 || (second & 0x80) !== 0) {
        onBadFrame('fragmented or masked frame from the server');
        socket.destroy();
        return;
      }
      let length = second & 0x7f;
      let header = 2;
      if (length === 126) {
        if (data.length - offset < 4) break;
        length = data.readUInt16BE(offset + 2);
        header = 4;
      } else if (length === 127) {
        if (data.length - offset < 10) break;
        length = Number(data.readBigUInt64BE(offset + 2));
        header = 10;
      }
      if (data.length - offset < header + length) break;
      onFrame(first & 0x0f, data.subarray(offset + header, offset + header + length), receivedAt);
      offset += header + length;
    }
    pending = offset < data.length ? data.subarray(offset) : null;
  };
  if (head.length > 0) take(head);
  socket.on('data', take);
}

/**
 * One graphql-transport-ws connection with one subscription, kept to the protocol's
 * bare minimum so that thousands fit in the load generator: the WebSocket handshake over
 * node:http's upgrade, then frames read and written by hand (readFrames).
 */
export function openSubscriber(options: SubscribeOptions, member = -1): Promise<Subscriber> {
  return new Promise((resolve, reject) => {
    const url = new URL(options.url);
    const key = randomBytes(16).toString('base64');
    const handshake = request({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      agent: false,
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': key,
        'sec-websocket-protocol': 'graphql-transport-ws',
      },
    });
    handshake.on('error', reject);
    handshake.on('response', (response) => reject(new Error(`upgrade refused with ${response.statusCode}`)));
    handshake.on('upgrade', (response, socket: Socket, head: Buffer) => {
      const accept = createHash('sha1').update(key + ACCEPT_GUID).digest('base64');
      if (response.headers['sec-websocket-accept'] !== accept) {
        socket.destroy();
        reject(new Error('bad Sec-WebSocket-Accept'));
        return;
      }
      socket.setNoDelay(true);
      let subscribed = false;
      let closeCode: number | null = null;
      let operation = 1;
      const send = (message: object) => socket.write(clientFrame(TEXT, Buffer.from(JSON.stringify(message))));
      let closeSent = false;
      /** Sends a close frame once, with the status code when there is one (RFC 6455, 5.5.1). */
      const close = (code: number | null) => {
        if (closeSent || socket.destroyed) return;
        closeSent = true;
        const payload = Buffer.alloc(code === null ? 0 : 2);
        if (code !== null) payload.writeUInt16BE(code);
        socket.end(clientFrame(CLOSE, payload));
      };
      const onText = (bytes: Buffer, receivedAt: number) => {
        const message = parseMessage(bytes);
        if (message.type === 'next') {
          options.onNext(message.payload, receivedAt);
        } else if (message.type === 'connection_ack') {
          send({ id: '1', type: 'subscribe', payload: { query: options.query } });
          subscribed = true;
          resolve({ member, close: () => close(1000) });
        } else if (message.type === 'complete' && message.id === String(operation) && options.resumeAfter) {
          operation += 1;
          options.onResume?.();
          send({ id: String(operation), type: 'subscribe', payload: { query: options.query, variables: { after: options.resumeAfter() } } });
        } else if (message.type === 'error') {
          options.onError(JSON.stringify(message.payload));
        } else if (message.type === 'ping') {
          send({ type: 'pong' });
        }
      };
      readFrames(
        socket,
        head,
        (opcode, payload, receivedAt) => {
          if (opcode === TEXT) onText(payload, receivedAt);
          else if (opcode === PING) socket.write(clientFrame(PONG, payload));
          else if (opcode === CLOSE) {
            // 1005: the server gave no status code (never sent on the wire, only reported).
            closeCode = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
            close(payload.length >= 2 ? closeCode : null);
          }
        },
        (why) => options.onError(why),
      );
      socket.on('error', (error) => {
        if (!subscribed) reject(error);
        else if (!closeSent) options.onError(String(error));
      });
      socket.on('close', () => {
        if (!subscribed) reject(new Error(`closed with ${closeCode ?? 'no close frame'} before subscribing`));
        else if (closeCode !== null && closeCode !== 1000) options.onError(`closed with ${closeCode}`);
      });
      send({ type: 'connection_init', payload: options.token ? { authorization: `Bearer ${options.token}` } : {} });
    });
    handshake.end();
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
