/**
 * A bounded push/pull queue whose consumer can stop it at any time, including while
 * waiting (which an async generator cannot do). Overflow ends the queue: a consumer
 * that far behind resumes from its last cursor instead of holding unbounded memory.
 */
export class AsyncQueue<T> {
  private readonly items: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | null = null;
  private ended = false;

  constructor(
    private readonly capacity: number,
    private readonly onOverflow: () => void = () => {},
  ) {}

  push(item: T): void {
    if (this.ended) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value: item, done: false });
      return;
    }
    if (this.items.length >= this.capacity) {
      this.onOverflow();
      this.end();
      return;
    }
    this.items.push(item);
  }

  /** The oldest queued item without waiting, or undefined when none is queued. */
  poll(): T | undefined {
    return this.items.shift();
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) return Promise.resolve({ value: this.items.shift()!, done: false });
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  end(): void {
    this.ended = true;
    this.items.length = 0;
    const resolve = this.waiting;
    this.waiting = null;
    resolve?.({ value: undefined, done: true });
  }
}
