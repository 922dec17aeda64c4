import { createRequire } from 'node:module';
import { configDefaults, defineConfig } from 'vitest/config';
import { RUN_ONCE_SUITES } from './run-once.js';

export default defineConfig({
  resolve: {
    // Node loads graphql's CommonJS build (graphql-scalars and yoga's deps do too); vite would
    // pick its .mjs build and two copies of graphql refuse each other's types.
    alias: [{ find: /^graphql$/, replacement: createRequire(import.meta.url).resolve('graphql') }],
  },
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/dashboard-build.global.ts'],
    // .ci/run's runs on the other Node lines leave out the browser and multi-instance suites.
    exclude: [...configDefaults.exclude, ...(process.env.TEST_SKIP_RUN_ONCE === '1' ? RUN_ONCE_SUITES : [])],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests start real servers and child processes; two cores only.
    pool: 'forks',
    maxWorkers: 2,
  },
});
