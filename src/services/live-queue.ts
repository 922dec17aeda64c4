/** Default bound of a LiveQueue: events held for one slow subscriber before it conflates. */
export const LIVE_QUEUE_CAPACITY = 1024;

/**
 * Why an item was dropped: `conflated` (a newer item of the same key replaced it),
 * `overflow` (more keys than capacity: the oldest key went), `disconnected` (still queued
 * when a subscriber that stopped reading was cut off).
 */
export type DropReason = 'conflated' | 'overflow' | 'disconnected';

/** Drops per reason across many queues (read by the metrics). */
export class DropTally {
  readonly counts: Record<DropReason, number> = { conflated: 0, overflow: 0, disconnected: 0 };
  readonly add = (reason: DropReason): void => {
    this.counts[reason]++;
  };
}

export interface LiveQueueOptions<T> {
  /** Conflation key: past capacity only the newest item per key is kept. */
  keyOf: (item: T) => string;
  /** Items held before conflating. @default LIVE_QUEUE_CAPACITY */
  capacity?: number;
  /** Called once when the consumer stops (return/throw or close()). */
  onClose?: () => void;
  /**
   * Marks the first item taken after drops with how many were dropped just before it
   * (e.g. sets the event's `missed`). @default items are left as they are
   */
  markMissed?: (item: T, missed: number) => T;
  /** Told of every drop, e.g. for a metric. @default none */
  onDrop?: (reason: DropReason) => void;
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
  private readonly markMissed: ((item: T, missed: number) => T) | undefined;
  private readonly onDrop: ((reason: DropReason) => void) | undefined;
  /** Drops since the last item taken: the next one taken carries this count. */
  private missedSinceTake = 0;
  dropped = 0;

  constructor(options: LiveQueueOptions<T>) {
    this.keyOf = options.keyOf;
    this.capacity = options.capacity ?? LIVE_QUEUE_CAPACITY;
    this.onClose = options.onClose;
    this.markMissed = options.markMissed;
    this.onDrop = options.onDrop;
  }

  private drop(reason: DropReason): void {
    this.dropped++;
    this.missedSinceTake++;
    this.onDrop?.(reason);
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
      this.drop('overflow');
    }
  }

  private setLatest(item: T): void {
    const key = this.keyOf(item);
    if (this.latest!.delete(key)) this.drop('conflated');
    this.latest!.set(key, item);
  }

  private take(): T | undefined {
    const item = this.takeRaw();
    if (item === undefined || this.missedSinceTake === 0) return item;
    const missed = this.missedSinceTake;
    this.missedSinceTake = 0;
    return this.markMissed ? this.markMissed(item, missed) : item;
  }

  private takeRaw(): T | undefined {
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

  /**
   * Stops the queue because its consumer stopped reading: what is still queued counts as
   * dropped (`disconnected`), then as close().
   */
  abandon(): void {
    if (this.closed) return;
    for (let n = this.size; n > 0; n--) this.onDrop?.('disconnected');
    this.dropped += this.size;
    this.close();
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

  // The iterator protocol of this hand-made iterator itself, not an override of a generator's:
  // nothing here can be suspended in an await, which is what withRelease is for.
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
