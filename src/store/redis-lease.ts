import { performance } from 'node:perf_hooks';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisKeys } from './redis-keys.js';

/** How long a lease lives in Redis without a renewal. A dead holder is replaced after this. */
export const LEASE_TTL_MS = 10_000;
/** How often the holder renews, and how often the others try to take it. */
export const LEASE_RENEW_MS = 2_000;
/** How often an instance without the lease tries to take it. */
export const LEASE_ACQUIRE_MS = 1_000;
/**
 * The holder counts its lease as lost this long before Redis would let it expire, measured from
 * when it SENT the last successful renewal: a holder cut off from Redis (or paused) stops its
 * work before anyone else can take the lease, whatever the network delay.
 */
export const LEASE_SAFETY_MS = 2_000;
/** How often the holder checks its own deadline. */
const DEADLINE_CHECK_MS = 200;

// KEYS: lease, fence. ARGV: instance, ttl. Returns the fencing token, or nil when another holds it.
const ACQUIRE = `
local cur = redis.call('GET', KEYS[1])
if cur then
  local sep = string.find(cur, '|', 1, true)
  if string.sub(cur, 1, sep - 1) == ARGV[1] then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    return tonumber(string.sub(cur, sep + 1))
  end
  return false
end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. token, 'PX', ARGV[2])
return token
`;

// KEYS: lease. ARGV: value, ttl. 1 when renewed, 0 when it is no longer ours.
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
`;

// KEYS: lease. ARGV: value.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

interface RedisWithLease extends Redis {
  leaseAcquire(lease: string, fence: string, instance: string, ttl: number): Promise<number | null>;
  leaseRenew(lease: string, value: string, ttl: number): Promise<number>;
  leaseRelease(lease: string, value: string): Promise<number>;
}

export interface LeaseOptions {
  redis: Redis;
  keys: RedisKeys;
  instanceId: string;
  logger: Logger;
  /** Called when this instance becomes the holder, with its fencing token. */
  onAcquired: (token: number) => void;
  /** Called when it stops being the holder (renewal refused, deadline passed, released). */
  onLost: (reason: string) => void;
  /** @default LEASE_TTL_MS */
  ttlMs?: number;
  /** @default LEASE_RENEW_MS */
  renewMs?: number;
  /** @default LEASE_ACQUIRE_MS */
  acquireMs?: number;
  /** @default LEASE_SAFETY_MS */
  safetyMs?: number;
}

/**
 * The queue runner's lease: one key in Redis holding `<instance>|<fencing token>` with a TTL.
 * Only its holder runs the queue. Tokens rise with every new holder, and writes of the runner
 * are fenced on the exact value (see `fence`), so a holder that was replaced can no longer
 * change the queue even if it has not noticed yet. The holder also stops by itself at a local
 * deadline ahead of the Redis expiry (LEASE_SAFETY_MS), so it is never running when another
 * starts.
 */
export class RedisLease {
  private readonly redis: RedisWithLease;
  private readonly keys: RedisKeys;
  private readonly instanceId: string;
  private readonly logger: Logger;
  private readonly onAcquired: (token: number) => void;
  private readonly onLost: (reason: string) => void;
  private readonly ttlMs: number;
  private readonly renewMs: number;
  private readonly acquireMs: number;
  private readonly safetyMs: number;
  private token: number | null = null;
  /** performance.now() past which the holder must consider the lease gone. */
  private validUntil = 0;
  private timer: NodeJS.Timeout | null = null;
  private deadlineTimer: NodeJS.Timeout | null = null;
  private busy = false;
  private stopped = false;

  constructor(options: LeaseOptions) {
    this.redis = options.redis as RedisWithLease;
    this.keys = options.keys;
    this.instanceId = options.instanceId;
    this.logger = options.logger;
    this.onAcquired = options.onAcquired;
    this.onLost = options.onLost;
    this.ttlMs = options.ttlMs ?? LEASE_TTL_MS;
    this.renewMs = options.renewMs ?? LEASE_RENEW_MS;
    this.acquireMs = options.acquireMs ?? LEASE_ACQUIRE_MS;
    this.safetyMs = options.safetyMs ?? Math.min(LEASE_SAFETY_MS, this.ttlMs / 4);
    if (!this.redis.leaseAcquire) {
      this.redis.defineCommand('leaseAcquire', { numberOfKeys: 2, lua: ACQUIRE });
      this.redis.defineCommand('leaseRenew', { numberOfKeys: 1, lua: RENEW });
      this.redis.defineCommand('leaseRelease', { numberOfKeys: 1, lua: RELEASE });
    }
  }

  /** The fencing token while held (and the local deadline not passed), else null. */
  get held(): number | null {
    return this.token !== null && performance.now() < this.validUntil ? this.token : null;
  }

  /** The lease's value while held: the condition every fenced write checks. */
  fence(): string | null {
    const token = this.held;
    return token === null ? null : `${this.instanceId}|${token}`;
  }

  /**
   * Starts trying to take the lease (at once, then every acquireMs) and renewing it once held.
   * Resolves after the first attempt (onAcquired has been called if it succeeded).
   */
  start(): Promise<void> {
    this.stopped = false;
    this.deadlineTimer = setInterval(() => this.checkDeadline(), DEADLINE_CHECK_MS);
    this.deadlineTimer.unref();
    return this.tick();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), this.token !== null ? this.renewMs : this.acquireMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.busy || this.stopped) return;
    this.busy = true;
    const sentAt = performance.now();
    try {
      if (this.token === null) {
        const token = await this.redis.leaseAcquire(this.keys.lease, this.keys.leaseFence, this.instanceId, this.ttlMs);
        if (token !== null && !this.stopped) {
          this.token = Number(token);
          this.validUntil = sentAt + this.ttlMs - this.safetyMs;
          this.logger.info({ token: this.token }, 'took the queue lease: this instance runs the queue');
          this.onAcquired(this.token);
        }
      } else {
        const ok = await this.redis.leaseRenew(this.keys.lease, `${this.instanceId}|${this.token}`, this.ttlMs);
        if (ok === 1) this.validUntil = sentAt + this.ttlMs - this.safetyMs;
        else this.lose('the lease was taken by another instance');
      }
    } catch (err) {
      // Redis unreachable: the deadline check ends the lease in time if this goes on.
      this.logger.warn({ err: (err as Error).message }, 'could not reach Redis for the queue lease');
    } finally {
      this.busy = false;
      this.checkDeadline();
      this.schedule();
    }
  }

  private checkDeadline(): void {
    if (this.token !== null && performance.now() >= this.validUntil) {
      this.lose('the lease could not be renewed in time');
    }
  }

  private lose(reason: string): void {
    if (this.token === null) return;
    this.logger.warn({ token: this.token, reason }, 'lost the queue lease: this instance stops running the queue');
    this.token = null;
    this.onLost(reason);
  }

  /** Stops renewing and lets the lease go at once (a graceful stop hands over without waiting). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.deadlineTimer) clearInterval(this.deadlineTimer);
    this.timer = null;
    this.deadlineTimer = null;
    const token = this.token;
    if (token === null) return;
    this.token = null;
    this.onLost('stopping');
    await this.redis
      .leaseRelease(this.keys.lease, `${this.instanceId}|${token}`)
      .catch((err: unknown) => this.logger.warn({ err }, 'could not release the queue lease; it expires by itself'));
  }
}
