/**
 * A synchronous store call (SQLite) as a promise settled in the same turn: what the SQLite
 * stores behind the asynchronous interfaces (which Redis implements too) return.
 * A throw becomes a rejection, never an exception out of the interface.
 */
export function settleNow<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (err) {
    return Promise.reject(err);
  }
}
