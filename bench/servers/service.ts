/**
 * This service, as it runs: createApp (yoga + graphql-ws + Pothos schema + SQLite), events
 * driven through ProgressService.updateProgress(…, { forceBroadcast: true }), so every event
 * goes through the event log write before it is published.
 *
 * Set by the runner (bench-only, not the service's environment):
 * - BENCH_REDIS_URL: journal and state in that Redis (the service-redis variants);
 * - BENCH_PUBLISHER=0: this instance publishes nothing (the second of two instances: its
 *   subscribers get the first one's events through Redis);
 * - BENCH_FANOUT_HIGH_WATER / BENCH_FANOUT_LOW_WATER (bytes), BENCH_FANOUT_STALL_MS: the
 *   fan-out's back-pressure limits, passed as createApp's `fanout` option (W4 uses a
 *   shorter stall timeout than the 30 s default so that a run stays short).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createApp, type App } from '../../src/app.js';
import type { AppConfig } from '../../src/config.js';
import { BENCH_TYPES, OPS_PER_TYPE, TOTAL_BYTES, opId, opTitle, stampedTitle } from '../lib/shared.js';
import { runVariant } from './harness.js';

const dataDir = mkdtempSync(join(tmpdir(), 'bench-data-'));
const libraryDir = mkdtempSync(join(tmpdir(), 'bench-lib-'));
const config: AppConfig = {
  port: 0,
  host: '127.0.0.1',
  dataDir,
  libraryDir,
  catalogUrl: 'http://127.0.0.1:9', // never asked: the benchmark does not scan or download
  apiToken: null,
  allowedOrigins: [],
  allowedHosts: [],
  downloadConcurrency: 1,
  logLevel: 'silent',
  logFormat: 'json',
  production: true,
  throttleMs: 250,
  historyLimit: 1000,
  eventLogRetention: 10_000,
  // BENCH_REDIS_URL runs the same service with its journal and state in Redis.
  redisUrl: process.env.BENCH_REDIS_URL ?? null,
  instanceId: `bench-${process.pid}`,
};
let app: App;
let baseUrl = '';
const publisher = process.env.BENCH_PUBLISHER !== '0';
const num = (name: string) => (process.env[name] ? Number(process.env[name]) : undefined);
const fanout = {
  highWaterBytes: num('BENCH_FANOUT_HIGH_WATER'),
  lowWaterBytes: num('BENCH_FANOUT_LOW_WATER'),
  stallTimeoutMs: num('BENCH_FANOUT_STALL_MS'),
};

runVariant({
  start: async () => {
    app = createApp(config, { logger: pino({ level: 'silent' }), fanout });
    const { url } = await app.start();
    baseUrl = url;
    // Only the publishing instance starts the operations (the other one sees them through Redis).
    for (const type of publisher ? BENCH_TYPES : []) {
      for (let op = 0; op < OPS_PER_TYPE; op++) {
        app.progress.startProgress(opId(type, op), type, opTitle(type, op), { total: TOTAL_BYTES });
      }
    }
    return url.replace(/^http/, 'ws');
  },
  publish(type, op, seq, ts) {
    app.progress.updateProgress(opId(type, op), {
      current: (seq * 1_048_576) % TOTAL_BYTES,
      title: stampedTitle(type, op, ts),
      forceBroadcast: true,
    });
  },
  subscribers: () => app.fanout.size.members,
  dropped: async () => {
    const text = await (await fetch(new URL('/metrics', baseUrl))).text();
    const out: Record<string, number> = {};
    for (const m of text.matchAll(/^progress_subscriber_events_dropped_total\{reason="(\w+)"\} (\d+)/gm)) out[m[1]!] = Number(m[2]);
    return out;
  },
  stop: async () => {
    try {
      await app.stop();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(libraryDir, { recursive: true, force: true });
    }
  },
});
