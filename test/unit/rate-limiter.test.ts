/**
 * TokenBucket with an injected clock: takers share the rate, a chunk larger than the bucket
 * overdraws and waits its debt off, and a new rate (or none) reaches takers already waiting.
 */
import { describe, expect, it } from 'vitest';
import { BUCKET_SECONDS, TokenBucket } from '../../src/core/rate-limiter.js';

describe('TokenBucket', () => {
  it('lets a full bucket pass at once, then holds takers to the rate together', async () => {
    let now = 0;
    const bucket = new TokenBucket(1_000, { now: () => now });
    await bucket.take(1_000 * BUCKET_SECONDS); // what the bucket holds
    let done = 0;
    // Two takers of 500 bytes at 1,000 B/s: together they need a second of (fake) time.
    const takers = [bucket.take(500).then(() => done++), bucket.take(500).then(() => done++)];
    await new Promise((r) => setTimeout(r, 30));
    expect(done).toBe(0);
    now += 600;
    await new Promise((r) => setTimeout(r, 130)); // the takers look again within MAX_WAIT_SLICE_MS
    expect(done).toBe(0);
    now += 500;
    await Promise.all(takers);
    expect(done).toBe(2);
  });

  it('a new rate, or none, reaches takers that are already waiting', async () => {
    let now = 0;
    const bucket = new TokenBucket(10, { now: () => now });
    const slow = bucket.take(1_000_000); // a day at 10 B/s
    bucket.setRate(null);
    await slow; // released at once
    bucket.setRate(100);
    expect(bucket.bytesPerSecond).toBe(100);
    const waiting = bucket.take(1_000);
    let released = false;
    void waiting.then(() => (released = true));
    await new Promise((r) => setTimeout(r, 30));
    expect(released).toBe(false);
    bucket.setRate(1e9); // the debt of 1,000 bytes is now a microsecond
    now += 1;
    await waiting;
  });

  it('aborting a waiting taker rejects with the reason', async () => {
    const bucket = new TokenBucket(1);
    const controller = new AbortController();
    const waiting = bucket.take(10_000, controller.signal);
    controller.abort(new Error('paused'));
    await expect(waiting).rejects.toThrow('paused');
  });
});
