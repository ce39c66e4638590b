/** An async iterator that can also hand over a value that is ready now, without a promise. */
export interface PollableIterator<T> extends AsyncIterableIterator<T> {
  /** The next value if one is ready; undefined when the consumer must call `next` and wait. */
  poll?(): IteratorResult<T> | undefined;
}

/**
 * An async iterator that its consumer can stop at any time, even while `next` waits:
 * `return` and `throw` call `close` at once (an async generator would wait for the
 * pending `next` to settle first, keeping a subscriber registered after its client left).
 */
export function closableIterator<T>(
  next: () => Promise<IteratorResult<T>>,
  close: () => IteratorResult<T>,
  poll?: () => IteratorResult<T> | undefined,
): PollableIterator<T> {
  return {
    next,
    poll,
    return: async () => close(),
    throw: async (error: unknown) => {
      close();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
