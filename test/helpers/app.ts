import { afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pino } from 'pino';
import { SHUTDOWN_NOTICE_MS, createApp, type App, type AppOptions } from '../../src/app.js';
import { sleep } from './wait.js';
import type { AppConfig } from '../../src/config.js';
import { createProgressClient, type ProgressClient } from '../../src/client/index.js';
import { redisUrlOfProject } from './project-backend.js';

export interface TestApp {
  app: App;
  url: string;
  port: number;
  dataDir: string;
  libraryDir: string;
  /** A typed client for this app (closed by stop()). */
  client: ProgressClient;
  /** Another typed client, e.g. with a different token. */
  newClient(token?: string): ProgressClient;
  stop(): Promise<void>;
  /** Stops this app and starts a new one on the same DATA_DIR and LIBRARY_DIR. */
  restart(overrides?: Partial<AppConfig>): Promise<TestApp>;
}

const created: string[] = [];
// Whatever a test file's apps left on disk goes when the file is done.
afterAll(() => {
  for (const path of created.splice(0)) rmSync(path, { recursive: true, force: true });
});

/** A fresh temp directory, removed by the returned function or at the end of the test file. */
export function tempDir(prefix = 'anime-progress-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  created.push(path);
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

let instances = 0;

export function testConfig(overrides: Partial<AppConfig> = {}): AppConfig {
  return {
    port: 0,
    host: '127.0.0.1',
    dataDir: overrides.dataDir ?? tempDir('anime-data-').path,
    libraryDir: overrides.libraryDir ?? tempDir('anime-lib-').path,
    catalogUrl: null,
    apiToken: null,
    allowedOrigins: [],
    allowedHosts: [],
    downloadConcurrency: 1,
    logLevel: 'silent',
    logFormat: 'json',
    production: false,
    throttleMs: 50,
    historyLimit: 1000,
    eventLogRetention: 10_000,
    // The redis project of test/vitest.config.ts runs the same suites' apps on Redis.
    redisUrl: redisUrlOfProject(),
    instanceId: `test-${process.pid}-${++instances}`,
    ...overrides,
  };
}

/** Starts an app on a free port with its own temp DATA_DIR and LIBRARY_DIR. */
export async function startTestApp(overrides: Partial<AppConfig> = {}, options: AppOptions = {}): Promise<TestApp> {
  const config = testConfig(overrides);
  const app = createApp(config, {
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    // One Redis for the whole run: each DATA_DIR (an app and its restarts) has its own keys.
    redisKeyPrefix: `t:${basename(config.dataDir)}:`,
    ...options,
  });
  const { url, port } = await app.start();
  const clients: ProgressClient[] = [];
  const newClient = (token = config.apiToken ?? undefined) => {
    const c = createProgressClient({ url, token });
    clients.push(c);
    return c;
  };
  const client = newClient();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    // The stop is announced (system_shutdown) in stop()'s first turn; with Redis it reaches
    // subscribers once the log hands it back. Clients close after that (within the notice's
    // time, before the server drops their sockets, so they do not retry), or they would miss it.
    const stopping = app.stop();
    await Promise.race([app.progress.settled(), sleep(SHUTDOWN_NOTICE_MS)]);
    await Promise.all(clients.map((c) => c.close()));
    await stopping;
  };
  return {
    app,
    url,
    port,
    dataDir: config.dataDir,
    libraryDir: config.libraryDir,
    client,
    newClient,
    stop,
    restart: async (more = {}) => {
      await stop();
      return startTestApp({ ...overrides, dataDir: config.dataDir, libraryDir: config.libraryDir, ...more }, options);
    },
  };
}
