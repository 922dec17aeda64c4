import { createRequire } from 'node:module';
import { configDefaults, defineConfig } from 'vitest/config';
import { RUN_ONCE_SUITES } from './run-once.js';

/**
 * Suites that also run on Redis (the `redis` project: the same files, one redis-server for the
 * run, injected as `redisUrl`; each app or ProgressService fixture has its own key prefix):
 * the queue suites, the library flow, the ProgressService suites (test/helpers/progress-fixture's
 * openFixture picks the project's backend) and the resume suite. What is really about SQLite
 * (deleting DATA_DIR, a failing disk) is in test/unit/progress-sqlite-log.test.ts or skipped on
 * Redis with its reason; `lastCursor` (exact in the emitting turn) and exact retention are
 * checked on SQLite only, Redis uses `currentCursor()`; test/unit/journal, stores, redis-* and
 * test/integration/several-instances.multi-instance cover Redis there (resume on another instance included).
 */
const BOTH_BACKENDS = [
  'test/integration/queue-control.test.ts',
  'test/integration/queue-failures.test.ts',
  'test/integration/queue-refusals.test.ts',
  'test/integration/library-flow.test.ts',
  'test/integration/settings-search.test.ts',
  'test/integration/webhooks.test.ts',
  'test/integration/progress-resume.test.ts',
  'test/unit/progress-history.test.ts',
  'test/unit/progress-math.test.ts',
  'test/unit/progress-restart.test.ts',
  'test/unit/progress-stream.test.ts',
  'test/unit/progress-subscribe.test.ts',
  'test/unit/progress-throttle.test.ts',
];

export default defineConfig({
  resolve: {
    // Node loads graphql's CommonJS build (graphql-scalars and yoga's deps do too); vite would
    // pick its .mjs build and two copies of graphql refuse each other's types.
    alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }],
  },
  test: {
    root: new URL('..', import.meta.url).pathname,
    globalSetup: ['test/dashboard-build.global.ts'],
    // .ci/run's runs on the other Node lines leave out the browser and multi-instance suites.
    exclude: [...configDefaults.exclude, ...(process.env.TEST_SKIP_RUN_ONCE === '1' ? RUN_ONCE_SUITES : [])],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests start real servers and child processes; two cores only.
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'sqlite', include: ['test/**/*.test.ts'] } },
      {
        extends: true,
        test: { name: 'redis', include: BOTH_BACKENDS, globalSetup: ['test/redis-global-setup.ts'] },
      },
    ],
  },
});
