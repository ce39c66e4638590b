import { InvalidInputException } from '@kessetsu/schema';

/**
 * Cursors are opaque positions in the hub's commit order. They carry a feed name and a
 * sequence number only: nothing about who published the record.
 */
export function encodeCursor(feed: string, sequence: bigint | string): string {
  return Buffer.from(`${feed}:${sequence}`, 'utf8').toString('base64url');
}

const MAX_POSITION = 2n ** 63n - 1n;

export function decodeCursor(feed: string, cursor: string, field: string): bigint {
  const parts = Buffer.from(cursor, 'base64url').toString('utf8').split(':');
  const position = parts.length === 2 && parts[0] === feed && /^\d{1,19}$/.test(parts[1]) ? BigInt(parts[1]) : null;
  // Positions are Postgres bigints; anything else was not issued by the hub.
  if (position === null || position > MAX_POSITION) throw InvalidInputException.single(field, 'is not a valid cursor');
  return position;
}
