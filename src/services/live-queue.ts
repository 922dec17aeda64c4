/** Default bound of a LiveQueue: events held for one slow subscriber before it conflates. */
export const LIVE_QUEUE_CAPACITY = 1024;

export interface LiveQueueOptions<T> {
  /** Conflation key: past capacity only the newest item per key is kept. */
  keyOf: (item: T) => string;
  /** Items held before conflating. @default LIVE_QUEUE_CAPACITY */
  capacity?: number;
  /** Called once when the consumer stops (return/throw or close()). */
  onClose?: () => void;
}

/**
 * The per-subscriber buffer between a synchronous publisher and an async consumer.
 *
 * Why not a Repeater with a SlidingBuffer: a Repeater registers its listener lazily (on the
 * first `next()`), which leaves a gap between a snapshot or replay and the live stream, and a
 * sliding buffer drops the oldest events, which may be a download's final state. This queue
 * is filled eagerly, `push` never throws, and while its consumer lags past `capacity` it keeps
 * only the latest item per key (so a stalled reader gets the current state of each operation
 * when it reads again, with bounded memory). If more than `capacity` keys pile up, the oldest
 * go. `dropped` counts what was conflated away.
 */
export class LiveQueue<T> implements AsyncIterableIterator<T> {
  private readonly keyOf: (item: T) => string;
  private readonly capacity: number;
  private onClose: (() => void) | undefined;
  private list: T[] = [];
  private head = 0;
  /** Non-null while conflating: the latest item per key, oldest first. */
  private latest: Map<string, T> | null = null;
  private waiter: ((r: IteratorResult<T>) => void) | null = null;
  private closed = false;
  dropped = 0;

  constructor(options: LiveQueueOptions<T>) {
    this.keyOf = options.keyOf;
    this.capacity = options.capacity ?? LIVE_QUEUE_CAPACITY;
    this.onClose = options.onClose;
  }

  get size(): number {
    return this.latest ? this.latest.size : this.list.length - this.head;
  }

  push(item: T): void {
    if (this.closed) return;
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w({ value: item, done: false });
      return;
    }
    if (!this.latest && this.size < this.capacity) {
      this.list.push(item);
      return;
    }
    if (!this.latest) {
      this.latest = new Map();
      for (let i = this.head; i < this.list.length; i++) this.setLatest(this.list[i]!);
      this.list = [];
      this.head = 0;
    }
    this.setLatest(item);
    while (this.latest.size > this.capacity) {
      this.latest.delete(this.latest.keys().next().value!);
      this.dropped++;
    }
  }

  private setLatest(item: T): void {
    const key = this.keyOf(item);
    if (this.latest!.delete(key)) this.dropped++;
    this.latest!.set(key, item);
  }

  private take(): T | undefined {
    if (this.latest) {
      const first = this.latest.entries().next();
      if (first.done) return undefined;
      this.latest.delete(first.value[0]);
      if (this.latest.size === 0) this.latest = null;
      return first.value[1];
    }
    if (this.head >= this.list.length) return undefined;
    const item = this.list[this.head]!;
    this.list[this.head++] = undefined as T;
    if (this.head === this.list.length) {
      this.list = [];
      this.head = 0;
    }
    return item;
  }

  /** The next item if one is buffered, without waiting. */
  poll(): T | undefined {
    return this.take();
  }

  next(): Promise<IteratorResult<T>> {
    const item = this.take();
    if (item !== undefined) return Promise.resolve({ value: item, done: false });
    if (this.closed) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  /** Stops the queue: pending items are dropped and a waiting consumer is released. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.list = [];
    this.latest = null;
    const w = this.waiter;
    this.waiter = null;
    w?.({ value: undefined, done: true });
    const onClose = this.onClose;
    this.onClose = undefined;
    onClose?.();
  }

  return(): Promise<IteratorResult<T>> {
    this.close();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    this.close();
    return Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
