/**
 * Background readers for subscriptions in integration tests: a Recorder drains an async
 * iterator into `items` as values arrive, and `until` waits (with a deadline) for a condition
 * on what has arrived so far.
 */
import { DEFAULT_TIMEOUT_MS } from './wait.js';

export interface Recorder<T> {
  /** Everything received so far, in order. */
  readonly items: T[];
  /** What the iterator threw, if it did. */
  readonly error: unknown;
  readonly done: boolean;
  /**
   * Resolves once `predicate(items)` holds; rejects when the deadline passes, or when the
   * stream ends or fails before it holds (saying what was awaited and how many items came).
   */
  until(predicate: (items: readonly T[]) => boolean, what: string, timeout?: number): Promise<T[]>;
  /** Resolves with the error the stream ends with; rejects if it ends cleanly or times out. */
  failure(timeout?: number): Promise<unknown>;
  /** Stops reading (return() on the iterator). */
  stop(): Promise<void>;
}

export function recordStream<T>(iterator: AsyncIterator<T>): Recorder<T> {
  const items: T[] = [];
  let error: unknown;
  let done = false;
  const wakers = new Set<() => void>();
  const wake = () => {
    for (const w of [...wakers]) w();
  };
  void (async () => {
    try {
      for (;;) {
        const r = await iterator.next();
        if (r.done) break;
        items.push(r.value);
        wake();
      }
    } catch (err) {
      error = err;
    } finally {
      done = true;
      wake();
    }
  })();

  const until = (predicate: (items: readonly T[]) => boolean, what: string, timeout = DEFAULT_TIMEOUT_MS) =>
    new Promise<T[]>((resolve, reject) => {
      const finish = (fn: () => void) => {
        clearTimeout(timer);
        wakers.delete(check);
        fn();
      };
      const check = () => {
        if (predicate(items)) return finish(() => resolve(items));
        if (done) {
          const why = error === undefined ? 'the stream ended' : `the stream failed: ${describe(error)}`;
          finish(() => reject(new Error(`${why} before ${what} (got ${items.length} items)`)));
        }
      };
      const timer = setTimeout(
        () => finish(() => reject(new Error(`timed out after ${timeout}ms waiting for ${what} (got ${items.length} items)`))),
        timeout,
      );
      wakers.add(check);
      check();
    });

  return {
    items,
    get error() {
      return error;
    },
    get done() {
      return done;
    },
    until,
    async failure(timeout = DEFAULT_TIMEOUT_MS) {
      await until(() => false, 'the stream to fail', timeout).catch(() => undefined);
      if (!done) throw new Error(`timed out after ${timeout}ms waiting for the stream to fail (got ${items.length} items)`);
      if (error === undefined) throw new Error(`the stream ended without an error (got ${items.length} items)`);
      return error;
    },
    async stop() {
      await iterator.return?.();
    },
  };
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : JSON.stringify(err);
}
