import { Redis } from 'ioredis';

/** How long the first connection may take before the service gives up starting. */
export const REDIS_CONNECT_TIMEOUT_MS = 5_000;
/** Longest pause between two reconnection attempts once connected. */
export const REDIS_MAX_RECONNECT_DELAY_MS = 1_000;

/** Redis could not be reached: the message names REDIS_URL (without its password). */
export class RedisUnreachableError extends Error {
  constructor(url: string, cause: unknown) {
    super(`Could not connect to Redis at REDIS_URL=${redactUrl(url)}: ${(cause as Error)?.message ?? String(cause)}`);
    this.name = 'RedisUnreachableError';
  }
}

/** The URL with any password replaced by `***`, for logs and messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.href;
  } catch {
    return url;
  }
}

/**
 * Opens one connection and waits until it answers. While running, a lost connection is
 * retried forever (at most REDIS_MAX_RECONNECT_DELAY_MS apart); commands issued while it is
 * down fail at once instead of queueing, so callers can answer UNAVAILABLE.
 */
export async function connectRedis(url: string, name: string): Promise<Redis> {
  const redis = createRedisClient(url, name);
  await openRedisClient(redis, url);
  return redis;
}

/** A client that connects only when openRedisClient is called (see connectRedis). */
export function createRedisClient(url: string, name: string): Redis {
  const redis = new Redis(url, {
    connectionName: name,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
    retryStrategy: (times) => Math.min(times * 100, REDIS_MAX_RECONNECT_DELAY_MS),
  });
  // Errors while reconnecting are expected; whoever cares listens for 'ready'/'close'.
  redis.on('error', () => undefined);
  return redis;
}

/** Connects a client made by createRedisClient; throws RedisUnreachableError naming REDIS_URL. */
export async function openRedisClient(redis: Redis, url: string): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${REDIS_CONNECT_TIMEOUT_MS}ms`)), REDIS_CONNECT_TIMEOUT_MS);
      }),
    ]);
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    throw new RedisUnreachableError(url, err);
  } finally {
    clearTimeout(timer);
  }
}
