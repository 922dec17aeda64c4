/**
 * Waiting helpers for tests: every wait has a deadline and rejects with a message that says
 * what was awaited, so a broken test fails fast and legibly instead of hanging.
 */

export const DEFAULT_TIMEOUT_MS = 2_000;

/** A plain delay. Only for pacing or for proving that something does NOT happen in a window. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves like `promise`, or rejects with "timed out after …ms waiting for <what>". */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms}ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, expiry]);
  } finally {
    clearTimeout(timer);
  }
}

export interface WaitForOptions {
  timeout?: number;
  /** Poll interval in ms. */
  interval?: number;
  /** What is awaited, for the error message. */
  message?: string;
}

/** Polls `predicate` until it holds; rejects when `timeout` passes first. */
export async function waitFor(predicate: () => boolean, options: WaitForOptions = {}): Promise<void> {
  const { timeout = DEFAULT_TIMEOUT_MS, interval = 5, message = 'condition' } = options;
  const deadline = Date.now() + timeout;
  for (;;) {
    if (predicate()) return;
    if (Date.now() >= deadline) throw new Error(`waitFor: timed out after ${timeout}ms waiting for ${message}`);
    await sleep(interval);
  }
}

/** The next `n` values of `iterator`; rejects on timeout or when the iterator ends early. */
export async function nextEvents<T>(iterator: AsyncIterator<T>, n: number, timeout = DEFAULT_TIMEOUT_MS): Promise<T[]> {
  const out: T[] = [];
  const deadline = Date.now() + timeout;
  while (out.length < n) {
    const left = Math.max(0, deadline - Date.now());
    const r = await withTimeout(iterator.next(), left, `value ${out.length + 1} of ${n} (got ${out.length})`);
    if (r.done) throw new Error(`nextEvents: iterator ended after ${out.length} of ${n} values`);
    out.push(r.value);
  }
  return out;
}

/**
 * Reads `iterator` until `until(value, all)` holds for a value (included); rejects on timeout
 * (saying how many values came) or when the iterator ends first.
 */
export async function collect<T>(
  iterator: AsyncIterator<T>,
  until: (value: T, all: readonly T[]) => boolean,
  timeout = DEFAULT_TIMEOUT_MS,
): Promise<T[]> {
  const out: T[] = [];
  const deadline = Date.now() + timeout;
  for (;;) {
    const left = Math.max(0, deadline - Date.now());
    const r = await withTimeout(iterator.next(), left, `the awaited value (got ${out.length} values so far)`);
    if (r.done) throw new Error(`collect: iterator ended after ${out.length} values before the awaited one`);
    out.push(r.value);
    if (until(r.value, out)) return out;
  }
}

export const NOTHING = Symbol('nothing');

/**
 * The next value if one comes within `ms`, else NOTHING. Used to prove that nothing more
 * arrives; the pending next() stays queued on the iterator, so call this last.
 */
export async function nextWithin<T>(iterator: AsyncIterator<T>, ms: number): Promise<T | typeof NOTHING> {
  const r = await Promise.race([iterator.next(), sleep(ms).then((): typeof NOTHING => NOTHING)]);
  if (r === NOTHING) return NOTHING;
  if (r.done) throw new Error('nextWithin: iterator ended');
  return r.value;
}

/** Runs `fn` and returns what it threw; fails when it does not throw. */
export function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to throw, it returned');
}
