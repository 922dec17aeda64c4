import { sleep } from './backoff.js';

/**
 * Burst a full bucket allows, as seconds of the rate. Small, so that a transfer measured over
 * a few seconds gets the cap, not the cap plus a burst.
 */
export const BUCKET_SECONDS = 0.1;
/**
 * Longest single wait before the bucket is looked at again: a new rate (or none) applies to
 * transfers already waiting within this time.
 */
export const MAX_WAIT_SLICE_MS = 100;

/** What the downloader asks before writing bytes; shared by every running download. */
export interface ByteRateLimiter {
  /** Resolves when `bytes` may pass; rejects with the signal's reason if it aborts first. */
  take(bytes: number, signal?: AbortSignal): Promise<void>;
}

/**
 * A token bucket in bytes shared by all downloads: `rate` tokens per second, at most
 * {@link BUCKET_SECONDS} of them saved up. A taker may overdraw (a chunk larger than the
 * bucket); it then waits until the debt is paid, and so does everyone after it, which keeps
 * the sum of all transfers at the rate. `setRate` applies to waiting takers within
 * {@link MAX_WAIT_SLICE_MS}.
 *
 * Written here rather than taken from a library: the npm token buckets count requests, not
 * bytes, and cannot change their rate while takers wait.
 */
export class TokenBucket implements ByteRateLimiter {
  private rate: number | null;
  private tokens: number;
  private last: number;
  private readonly now: () => number;

  /** @param rate bytes per second; null or 0 for no limit. */
  constructor(rate: number | null, options: { now?: () => number } = {}) {
    this.now = options.now ?? (() => performance.now());
    this.rate = rate && rate > 0 ? rate : null;
    this.tokens = this.capacity();
    this.last = this.now();
  }

  get bytesPerSecond(): number | null {
    return this.rate;
  }

  /** Changes the rate (null or 0: no limit) for every transfer, including waiting ones. */
  setRate(rate: number | null): void {
    this.refill();
    this.rate = rate && rate > 0 ? rate : null;
    if (this.rate === null) this.tokens = 0;
    else this.tokens = Math.min(this.tokens, this.capacity());
  }

  async take(bytes: number, signal?: AbortSignal): Promise<void> {
    if (this.rate === null) return;
    this.refill();
    this.tokens -= bytes;
    while (this.rate !== null && this.tokens < 0) {
      await sleep(Math.min(MAX_WAIT_SLICE_MS, Math.ceil((-this.tokens / this.rate) * 1000)), signal);
      this.refill();
    }
  }

  private capacity(): number {
    return this.rate === null ? 0 : this.rate * BUCKET_SECONDS;
  }

  private refill(): void {
    const now = this.now();
    if (this.rate !== null) this.tokens = Math.min(this.capacity(), this.tokens + ((now - this.last) / 1000) * this.rate);
    this.last = now;
  }
}
