/**
 * An async iterator that its consumer can stop at any time, even while `next` waits:
 * `return` and `throw` call `close` at once (an async generator would wait for the
 * pending `next` to settle first, keeping a subscriber registered after its client left).
 */
export function closableIterator<T>(
  next: () => Promise<IteratorResult<T>>,
  close: () => IteratorResult<T>,
): AsyncIterableIterator<T> {
  return {
    next,
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
