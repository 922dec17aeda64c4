import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RedisKeys } from './redis-keys.js';

/** How often an instance writes its heartbeat. */
export const HEARTBEAT_MS = 2_000;
/** An instance whose heartbeat is older than this is not listed (it died or was cut off). */
export const INSTANCE_STALE_MS = 3 * HEARTBEAT_MS;
/** Entries of instances silent this long are removed from Redis. */
const INSTANCE_FORGET_MS = 60_000;

/** One running process of the service, as the others see it. Times are epoch ms. */
export interface InstanceRecord {
  id: string;
  startedAt: number;
  lastSeenAt: number;
  runsQueue: boolean;
}

/** Which instances share this state, and which of them runs the queue. */
export interface InstanceRegistry {
  readonly backend: 'sqlite' | 'redis';
  list(): Promise<InstanceRecord[]>;
  start(): void;
  stop(): Promise<void>;
}

/** One process, SQLite: the only instance, always the runner. */
export class LocalInstanceRegistry implements InstanceRegistry {
  readonly backend = 'sqlite' as const;
  private readonly startedAt = Date.now();
  constructor(private readonly id: string) {}
  list(): Promise<InstanceRecord[]> {
    return Promise.resolve([{ id: this.id, startedAt: this.startedAt, lastSeenAt: Date.now(), runsQueue: true }]);
  }
  start(): void {}
  stop(): Promise<void> {
    return Promise.resolve();
  }
}

/** Heartbeats in one Redis hash (id -> {startedAt, lastSeenAt}); the runner is the lease's holder. */
export class RedisInstanceRegistry implements InstanceRegistry {
  readonly backend = 'redis' as const;
  private readonly startedAt = Date.now();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
    private readonly id: string,
    private readonly logger: Logger,
  ) {}

  private async beat(): Promise<void> {
    const now = Date.now();
    await this.redis.hset(this.keys.instances, this.id, JSON.stringify({ startedAt: this.startedAt, lastSeenAt: now }));
  }

  start(): void {
    const tick = () =>
      this.beat().catch((err: unknown) => this.logger.debug({ err: (err as Error).message }, 'heartbeat failed'));
    void tick();
    this.timer = setInterval(tick, HEARTBEAT_MS);
    this.timer.unref();
  }

  async list(): Promise<InstanceRecord[]> {
    const [all, lease] = await Promise.all([this.redis.hgetall(this.keys.instances), this.redis.get(this.keys.lease)]);
    const runner = lease ? lease.slice(0, lease.lastIndexOf('|')) : null;
    const now = Date.now();
    const out: InstanceRecord[] = [];
    const forget: string[] = [];
    for (const [id, json] of Object.entries(all)) {
      const { startedAt, lastSeenAt } = JSON.parse(json) as { startedAt: number; lastSeenAt: number };
      if (now - lastSeenAt > INSTANCE_FORGET_MS) forget.push(id);
      if (now - lastSeenAt > INSTANCE_STALE_MS) continue;
      out.push({ id, startedAt, lastSeenAt, runsQueue: id === runner });
    }
    if (forget.length) void this.redis.hdel(this.keys.instances, ...forget).catch(() => undefined);
    return out.sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id));
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.redis.hdel(this.keys.instances, this.id).catch(() => undefined);
  }
}
