/**
 * For the `redis` project of vitest.config.ts: one real redis-server for the run (its own
 * port and temp dir). Apps of that project's suites use it (test/helpers/app.ts injects
 * `redisUrl`), each with its own key prefix; the `sqlite` project never sees it.
 */
import type { TestProject } from 'vitest/node';
import { HAVE_REDIS, startRedis, type RedisServer } from './helpers/redis-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's redis-server (redis project only; '' where redis-server is missing). */
    redisUrl: string;
  }
}

let server: RedisServer | null = null;

export async function setup(project: TestProject): Promise<void> {
  if (HAVE_REDIS) server = await startRedis();
  project.provide('redisUrl', server?.url ?? '');
}

export async function teardown(): Promise<void> {
  await server?.dispose();
}
