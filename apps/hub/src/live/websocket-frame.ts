/** WebSocket opcodes (RFC 6455, 5.2). */
export const Opcode = { TEXT: 0x1, CLOSE: 0x8, PING: 0x9, PONG: 0xa } as const;

/** Bytes of a frame header, masking key excluded, for a payload of `length` bytes (RFC 6455, 5.2). */
export function frameHeaderLength(length: number): number {
  return length < 126 ? 2 : length < 65_536 ? 4 : 10;
}

/**
 * Writes the header of a whole (final) frame at the start of `target`. A client's frames are
 * `masked`: its 4-byte masking key follows the header and is the caller's to write.
 */
export function writeFrameHeader(target: Buffer, opcode: number, length: number, masked = false): void {
  const mask = masked ? 0x80 : 0;
  target[0] = 0x80 | opcode;
  if (length < 126) {
    target[1] = mask | length;
  } else if (length < 65_536) {
    target[1] = mask | 126;
    target.writeUInt16BE(length, 2);
  } else {
    target[1] = mask | 127;
    target.writeBigUInt64BE(BigInt(length), 2);
  }
}
