import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis } from '../../src/store/redis-connection.js';
import { redisKeys } from '../../src/store/redis-keys.js';
import { RedisLease } from '../../src/store/redis-lease.js';
import { silent } from '../helpers/journal-backends.js';
import { HAVE_REDIS, startRedis, type RedisServer } from '../helpers/redis-server.js';
import { waitFor } from '../helpers/wait.js';

let server: RedisServer;
beforeAll(async () => {
  if (HAVE_REDIS) server = await startRedis();
});
afterAll(async () => {
  await server?.dispose();
});

interface Contender {
  name: string;
  lease: RedisLease;
  redis: Redis;
  log: Array<{ what: 'acquired' | 'lost'; at: number; token?: number; reason?: string }>;
}

describe.skipIf(!HAVE_REDIS)('RedisLease (real Redis)', () => {
  const made: Contender[] = [];
  let prefix = 0;
  afterEach(async () => {
    for (const c of made.splice(0)) {
      await c.lease.stop();
      c.redis.disconnect();
    }
  });

  async function contender(name: string, keys: ReturnType<typeof redisKeys>, ttlMs = 1_000): Promise<Contender> {
    const redis = await connectRedis(server.url, name);
    const log: Contender['log'] = [];
    const lease = new RedisLease({
      redis,
      keys,
      instanceId: name,
      logger: silent,
      ttlMs,
      renewMs: ttlMs / 5,
      acquireMs: ttlMs / 10,
      safetyMs: ttlMs / 4,
      onAcquired: (token) => log.push({ what: 'acquired', at: Date.now(), token }),
      onLost: (reason) => log.push({ what: 'lost', at: Date.now(), reason }),
    });
    const c = { name, lease, redis, log };
    made.push(c);
    return c;
  }

  it('is held by exactly one of three, and renewed while that one lives', async () => {
    const keys = redisKeys(`lease${++prefix}:`);
    const cs = await Promise.all(['a', 'b', 'c'].map((n) => contender(n, keys)));
    for (const c of cs) c.lease.start();
    await waitFor(() => cs.some((c) => c.lease.held !== null), { message: 'a holder' });
    // Several TTLs later, still the same single holder.
    await new Promise((r) => setTimeout(r, 2_500));
    const holders = cs.filter((c) => c.lease.held !== null);
    expect(holders.length).toBe(1);
    expect(holders[0]!.log.map((l) => l.what)).toEqual(['acquired']);
    expect(await cs[0]!.redis.get(keys.lease)).toBe(holders[0]!.lease.fence());
  });

  it('goes to another with a higher fencing token at once when the holder lets go', async () => {
    const keys = redisKeys(`lease${++prefix}:`);
    const a = await contender('a', keys, 5_000);
    a.lease.start();
    await waitFor(() => a.lease.held !== null, { message: 'a holds it' });
    const b = await contender('b', keys, 5_000);
    b.lease.start();
    const first = a.lease.held!;
    await a.lease.stop();
    await waitFor(() => b.lease.held !== null, { timeout: 2_000, message: 'b takes over well before the TTL' });
    expect(b.lease.held!).toBeGreaterThan(first);
  });

  it('a holder cut off from Redis stops before another can take the lease', async () => {
    const keys = redisKeys(`lease${++prefix}:`);
    const a = await contender('a', keys, 1_000);
    a.lease.start();
    await waitFor(() => a.lease.held !== null, { message: 'a holds it' });
    const b = await contender('b', keys, 1_000);
    b.lease.start();
    const token = a.lease.held!;
    // a can no longer reach Redis (as in a network split): it neither renews nor releases.
    a.redis.disconnect();
    await waitFor(() => b.lease.held !== null, { timeout: 3_000, message: 'b takes over after the TTL' });
    const lost = a.log.find((l) => l.what === 'lost');
    const acquired = b.log.find((l) => l.what === 'acquired');
    expect(lost, 'a noticed it lost the lease').toBeDefined();
    expect(lost!.at).toBeLessThanOrEqual(acquired!.at);
    expect(acquired!.token).toBeGreaterThan(token);
    expect(a.lease.held).toBeNull();
    expect(a.lease.fence()).toBeNull();
  });

  it('a holder that died (no release) is replaced once the TTL runs out', async () => {
    const keys = redisKeys(`lease${++prefix}:`);
    const a = await contender('a', keys, 1_000);
    a.lease.start();
    await waitFor(() => a.lease.held !== null, { message: 'a holds it' });
    // Dead: no more renewals, no release (what kill -9 leaves).
    (a.lease as unknown as { stopped: boolean }).stopped = true;
    const diedAt = Date.now();
    const b = await contender('b', keys, 1_000);
    b.lease.start();
    await waitFor(() => b.lease.held !== null, { timeout: 3_000, message: 'b takes over' });
    expect(Date.now() - diedAt).toBeLessThan(2_500);
  });
});
