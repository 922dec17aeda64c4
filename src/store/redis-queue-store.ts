import type { Redis } from 'ioredis';
import type { SeriesRecord, AsyncLibraryStore } from './library-store.js';
import type { AsyncQueueStore, QueueItemRecord } from './queue-store.js';
import { unavailable } from './errors.js';
import type { RedisKeys } from './redis-keys.js';

/** A write refused because the writer no longer holds the queue lease it claims. */
export class FencedError extends Error {
  readonly code = 'FENCED';
  constructor() {
    super('this instance no longer runs the queue (its lease was taken over): the write was refused');
    this.name = 'FencedError';
  }
}

// Every fenced script starts with this. ARGV[1]: the lease value the writer holds ('' unfenced).
const FENCE = `
if ARGV[1] ~= '' and redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return redis.error_reply('FENCED')
end
`;

// KEYS: lease, items. ARGV: fence, (id, json)...
const SAVE = `${FENCE}
for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
return 1
`;

// KEYS: lease, hash. ARGV: fence, (field, json)...: the hash becomes exactly these.
const REPLACE = `${FENCE}
redis.call('DEL', KEYS[2])
for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
return 1
`;

// KEYS: lease, items. ARGV: fence, ids...
const REMOVE = `${FENCE}
for i = 2, #ARGV do redis.call('HDEL', KEYS[2], ARGV[i]) end
return 1
`;

// KEYS: lease, flags. ARGV: fence, key, value.
const SET_FLAG = `${FENCE}
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
return 1
`;

interface RedisWithQueue extends Redis {
  queueSave(lease: string, items: string, fence: string, ...pairs: string[]): Promise<number>;
  queueRemove(lease: string, items: string, fence: string, ...ids: string[]): Promise<number>;
  queueSetFlag(lease: string, flags: string, fence: string, key: string, value: string): Promise<number>;
  hashReplace(lease: string, hash: string, fence: string, ...pairs: string[]): Promise<number>;
}

function defineScripts(redis: RedisWithQueue): void {
  if ((redis as Partial<RedisWithQueue>).hashReplace !== undefined) return;
  redis.defineCommand('queueSave', { numberOfKeys: 2, lua: SAVE });
  redis.defineCommand('queueRemove', { numberOfKeys: 2, lua: REMOVE });
  redis.defineCommand('queueSetFlag', { numberOfKeys: 2, lua: SET_FLAG });
  redis.defineCommand('hashReplace', { numberOfKeys: 2, lua: REPLACE });
}

function fenced<T>(promise: Promise<T>): Promise<T> {
  return unavailable(
    promise.catch((err: unknown) => {
      if (err instanceof Error && /\bFENCED\b/.test(err.message)) throw new FencedError();
      throw err;
    }),
  );
}

/**
 * The queue in Redis: one hash of items (id -> JSON) and one of flags. The runner's writes
 * carry its lease (`fence()`): a runner whose lease was taken over cannot change the queue.
 */
export class RedisQueueStore implements AsyncQueueStore {
  private readonly redis: RedisWithQueue;
  private readonly keys: RedisKeys;
  private readonly fence: () => string | null;

  /** `fence`: the lease value writes must match; null for writes that need no lease. */
  constructor(redis: Redis, keys: RedisKeys, fence: () => string | null = () => null) {
    this.redis = redis as RedisWithQueue;
    this.keys = keys;
    this.fence = fence;
    defineScripts(this.redis);
  }

  async load(): Promise<QueueItemRecord[]> {
    const all = await unavailable(this.redis.hvals(this.keys.queueItems));
    return all.map((json) => JSON.parse(json) as QueueItemRecord).sort((a, b) => a.position - b.position);
  }

  async save(items: readonly QueueItemRecord[]): Promise<void> {
    if (items.length === 0) return;
    const pairs = items.flatMap((i) => [i.id, JSON.stringify(i)]);
    await fenced(this.redis.queueSave(this.keys.lease, this.keys.queueItems, this.fence() ?? '', ...pairs));
  }

  async remove(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await fenced(this.redis.queueRemove(this.keys.lease, this.keys.queueItems, this.fence() ?? '', ...ids));
  }

  async getFlag(key: string): Promise<string | null> {
    return unavailable(this.redis.hget(this.keys.queueFlags, key));
  }

  async setFlag(key: string, value: string): Promise<void> {
    await fenced(this.redis.queueSetFlag(this.keys.lease, this.keys.queueFlags, this.fence() ?? '', key, value));
  }
}

/** The library index in Redis: folder -> JSON. Written by the queue runner (scans), fenced. */
export class RedisLibraryStore implements AsyncLibraryStore {
  private readonly redis: RedisWithQueue;
  private readonly keys: RedisKeys;
  private readonly fence: () => string | null;

  constructor(redis: Redis, keys: RedisKeys, fence: () => string | null = () => null) {
    this.redis = redis as RedisWithQueue;
    this.keys = keys;
    this.fence = fence;
    defineScripts(this.redis);
  }

  async load(): Promise<SeriesRecord[]> {
    const all = await unavailable(this.redis.hvals(this.keys.library));
    return all.map((json) => JSON.parse(json) as SeriesRecord).sort((a, b) => a.folder.localeCompare(b.folder));
  }

  async replace(series: readonly SeriesRecord[]): Promise<void> {
    const pairs = series.flatMap((s) => [s.folder, JSON.stringify(s)]);
    await fenced(this.redis.hashReplace(this.keys.lease, this.keys.library, this.fence() ?? '', ...pairs));
  }

  async put(series: SeriesRecord): Promise<void> {
    await fenced(this.redis.queueSave(this.keys.lease, this.keys.library, this.fence() ?? '', series.folder, JSON.stringify(series)));
  }
}
