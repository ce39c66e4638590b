import { InvalidInputException } from '@kessetsu/schema';
import { decodeCursor, encodeCursor } from './cursor.js';

const b64url = (text: string) => Buffer.from(text, 'utf8').toString('base64url');

/** The exception decodeCursor throws, or a failure if it returns. */
function rejection(feed: string, cursor: string, field: string): InvalidInputException {
  let decoded: bigint | undefined;
  try {
    decoded = decodeCursor(feed, cursor, field);
  } catch (error) {
    return error as InvalidInputException;
  }
  throw new Error(`expected cursor ${JSON.stringify(cursor)} to be rejected, it decoded to ${decoded}`);
}

describe('cursors', () => {
  it.each<[bigint | string, bigint]>([
    [0n, 0n],
    [1n, 1n],
    [123456789n, 123456789n],
    ['42', 42n],
    [9223372036854775807n, 9223372036854775807n],
  ])('round-trips sequence %s', (sequence, expected) => {
    expect(decodeCursor('signal', encodeCursor('signal', sequence), 'after')).toBe(expected);
  });

  it('is opaque and URL-safe', () => {
    const cursor = encodeCursor('signal', 1234567n);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain('signal');
    expect(cursor).not.toContain('1234567');
  });

  it('differs between feeds for the same sequence', () => {
    expect(encodeCursor('signal', 7n)).not.toBe(encodeCursor('incident', 7n));
  });

  it.each<[string, string]>([
    ['garbage', 'garbage'],
    ['an empty string', ''],
    ['a cursor of another feed', encodeCursor('incident', 5n)],
    ['a feed name only', b64url('signal:')],
    ['no separator', b64url('signal5')],
    ['a non-numeric sequence', b64url('signal:12a')],
    ['a negative sequence', b64url('signal:-1')],
    ['a fractional sequence', b64url('signal:1.5')],
    ['a sequence of twenty digits', b64url('signal:99999999999999999999')],
    ['plain text that is not base64', 'signal:5'],
  ])('rejects %s with an error naming the field', (_case, cursor) => {
    const error = rejection('signal', cursor, 'after');
    expect(error).toBeInstanceOf(InvalidInputException);
    expect(error.fieldErrors).toEqual([{ field: 'after', message: expect.any(String) }]);
    expect(error.message).toContain('after');
  });

  it('names the argument it was given', () => {
    expect(rejection('signal', 'garbage', 'before').fieldErrors).toEqual([{ field: 'before', message: expect.any(String) }]);
  });

  it('does not say anything about the cursor\'s content in the error', () => {
    const cursor = b64url('incident:5');
    expect(rejection('signal', cursor, 'after').message).not.toContain('incident');
  });

  it('rejects a sequence beyond the range of a Postgres bigint', () => {
    expect(rejection('signal', b64url('signal:9223372036854775808'), 'after')).toBeInstanceOf(InvalidInputException);
  });

  it('rejects trailing segments after the sequence', () => {
    expect(rejection('signal', b64url('signal:5:anything'), 'after')).toBeInstanceOf(InvalidInputException);
  });
});
