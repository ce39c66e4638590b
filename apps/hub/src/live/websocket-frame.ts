/** WebSocket opcodes (RFC 6455, 5.2). */
export const Opcode = { TEXT: 0x1, CLOSE: 0x8, PING: 0x9, PONG: 0xa } as const;

/** Bytes of a frame header, masking key excluded, for a payload of `length` bytes (RFC 6455, 5.2). */
export function frameHeaderLength(length: number): number {
  return length < 126 ? 2 : length < 65_536 ? 4 : 10;
}

/**
 * Writes the header of a whole (final) frame into `target` at `offset`. A client's frames are
 * `masked`: its 4-byte masking key follows the header and is the caller's to write.
 */
export function writeFrameHeader(target: Buffer, opcode: number, length: number, masked = false, offset = 0): void {
  const mask = masked ? 0x80 : 0;
  target[offset] = 0x80 | opcode;
  if (length < 126) {
    target[offset + 1] = mask | length;
  } else if (length < 65_536) {
    target[offset + 1] = mask | 126;
    target.writeUInt16BE(length, offset + 2);
  } else {
    target[offset + 1] = mask | 127;
    target.writeBigUInt64BE(BigInt(length), offset + 2);
  }
}
