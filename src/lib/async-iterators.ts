/**
 * The one helper for iterators that hold a resource (a listener, a queue, a subscription).
 *
 * An async generator ignores return() while it is suspended in an `await`, and never runs its
 * `finally` if it was never started: a consumer that leaves (a client completing a
 * subscription) would leak the resource. This wraps `source` so that return() and throw()
 * run `release` at once, exactly once, whatever state the generator is in, and then finish it.
 */
export function withRelease<T>(source: AsyncGenerator<T>, release: () => void): AsyncIterableIterator<T> {
  let released = false;
  const releaseOnce = () => {
    if (released) return;
    released = true;
    release();
  };
  // The generator's own methods, taken before anything could replace them.
  const next = source.next.bind(source);
  const finish = source.return.bind(source);
  const fail = source.throw.bind(source);
  return {
    next: async () => {
      const result = await next();
      if (result.done) releaseOnce();
      return result;
    },
    return: (value?: unknown) => {
      releaseOnce();
      return finish(value as T);
    },
    throw: (error?: unknown) => {
      releaseOnce();
      return fail(error);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

/** An iterator that yields nothing until `done` settles (or return() is called), then ends. */
export function parked(done: Promise<void>, release: () => void): AsyncIterableIterator<never> {
  async function* wait(): AsyncGenerator<never> {
    await done;
  }
  return withRelease(wait(), release);
}
