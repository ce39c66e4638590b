import { InvalidInputException } from '@kessetsu/schema';

/**
 * Cursors are opaque positions in the hub's commit order. They carry a feed name and a
 * sequence number only: nothing about who published the record.
 */
export function encodeCursor(feed: string, sequence: bigint | string): string {
  return Buffer.from(`${feed}:${sequence}`, 'utf8').toString('base64url');
}

export function decodeCursor(feed: string, cursor: string, field: string): bigint {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  const [prefix, sequence] = decoded.split(':');
  if (prefix !== feed || sequence === undefined || !/^\d{1,19}$/.test(sequence)) {
    throw InvalidInputException.single(field, 'is not a valid cursor');
  }
  return BigInt(sequence);
}
