import { inject } from 'vitest';

/**
 * The Redis of the `redis` test project (test/vitest.config.ts, its redis-server injected by
 * test/redis-global-setup.ts); null in the `sqlite` project. Suites of both projects ask it
 * which backend to run on.
 */
export function redisUrlOfProject(): string | null {
  return (inject('redisUrl' as never) as string | undefined) || null;
}
