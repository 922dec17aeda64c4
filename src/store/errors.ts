/**
 * The shared state (Redis) cannot be reached: the operation did nothing. Clients get
 * `extensions.code` UNAVAILABLE and may try again; the service resumes when Redis is back.
 */
export class StoreUnavailableError extends Error {
  readonly code = 'UNAVAILABLE';
  constructor(cause: unknown) {
    super(`the shared state (Redis) cannot be reached right now: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'StoreUnavailableError';
  }
}

/** Turns a failure of the Redis client into StoreUnavailableError (errors with a code pass). */
export function unavailable<T>(promise: Promise<T>): Promise<T> {
  return promise.catch((err: unknown) => {
    if (err instanceof StoreUnavailableError || (err instanceof Error && 'code' in err && typeof err.code === 'string' && /^[A-Z_]+$/.test(err.code))) {
      throw err;
    }
    throw new StoreUnavailableError(err);
  });
}
