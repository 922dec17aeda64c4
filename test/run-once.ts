/**
 * Suites CI runs on one Node version only (the machine's): they test a browser or several
 * instances, not Node, and they are the slow ones. Globs from the project root; add a suite
 * here (or name it to match) to keep it out of the runs on the other Node lines.
 * `.ci/run` sets TEST_SKIP_RUN_ONCE=1 for those runs; test/vitest.config.ts reads it.
 */
export const RUN_ONCE_SUITES: readonly string[] = [
  // GraphiQL (and any page) in headless Chromium
  'test/integration/graphiql-browser.test.ts',
  'test/integration/dashboard-browser.test.ts',
  'test/**/*.browser.test.ts',
  // several instances on one Redis
  'test/**/*.multi-instance.test.ts',
  'test/multi-instance/**',
];
