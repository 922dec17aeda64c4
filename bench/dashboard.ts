/**
 * The dashboard's first paint and time to live data on loopback (issue 12's budget: first
 * paint ≤ 1 s), and the size of its JavaScript. Usage, from the repository root:
 *
 *   npm run build:dashboard && npx tsx bench/dashboard.ts [loads=10]
 *
 * Each load is a fresh browser context (empty cache): the figures are cold loads. The service
 * runs in this process (createApp, temp DATA_DIR, demo catalog), the page in Debian's Chromium.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { pino } from 'pino';
import { createApp } from '../src/app.js';
import { DASHBOARD_BUILD_DIR } from '../src/server/dashboard.js';

const loads = Number(process.argv[2] ?? 10);
const dirs = [mkdtempSync(join(tmpdir(), 'dash-bench-data-')), mkdtempSync(join(tmpdir(), 'dash-bench-lib-'))];
const app = createApp(
  {
    port: 0,
    host: '127.0.0.1',
    dataDir: dirs[0]!,
    libraryDir: dirs[1]!,
    catalogUrl: null,
    apiToken: null,
    allowedOrigins: [],
    allowedHosts: [],
    downloadConcurrency: 1,
    logLevel: 'silent',
    logFormat: 'json',
    production: true,
    throttleMs: 250,
    historyLimit: 5000,
    eventLogRetention: 10_000,
  redisUrl: null,
  instanceId: `bench-${process.pid}`,
  },
  { logger: pino({ level: 'silent' }) },
);
const { port } = await app.start();
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });

const fcp: number[] = [];
const live: number[] = [];
try {
  for (let i = 0; i < loads; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const t0 = Date.now();
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.locator('[data-connection="live"]').waitFor({ timeout: 10_000 });
    live.push(Date.now() - t0);
    fcp.push(
      await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN),
    );
    await context.close();
  }
} finally {
  await browser.close();
  await app.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}

const assets = join(DASHBOARD_BUILD_DIR, 'assets');
const size = (ext: string, zip: boolean) =>
  readdirSync(assets)
    .filter((f) => f.endsWith(ext))
    .reduce((n, f) => n + (zip ? gzipSync(readFileSync(join(assets, f)), { level: 9 }).length : readFileSync(join(assets, f)).length), 0);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
console.log(`| measure | median | worst | of |
| --- | --- | --- | --- |
| first contentful paint (ms, cold) | ${median(fcp).toFixed(0)} | ${Math.max(...fcp).toFixed(0)} | ${loads} loads |
| navigation to live data (ms, cold) | ${median(live)} | ${Math.max(...live)} | ${loads} loads |

JavaScript ${kb(size('.js', false))} (${kb(size('.js', true))} gzipped), CSS ${kb(size('.css', false))} (${kb(size('.css', true))} gzipped).`);
