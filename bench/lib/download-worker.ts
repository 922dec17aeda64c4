/**
 * Child process: this service's downloader (src/core/downloader.ts) fetching one URL to disk,
 * progress on: every chunk goes to a real ProgressService (SQLite event log, default throttle),
 * as AnimeService does with download_status events, and the catalog's sha256 passed (so the
 * bytes are hashed and checked, as for a catalog that gives one). Prints {ms, maxRss, size,
 * sha256} as JSON; a wrong digest fails the run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { downloadFile } from '../../src/core/downloader.js';
import { createInProcessPubSub } from '../../src/services/progress-pubsub.js';
import { ProgressService } from '../../src/services/progress-service.js';
import { openDatabase } from '../../src/store/database.js';
import { SqliteJournal } from '../../src/store/sqlite-journal.js';

const [url, dest, size, sha256] = process.argv.slice(2) as [string, string, string, string];
if (!/^[0-9a-f]{64}$/.test(sha256 ?? '')) throw new Error('usage: download-worker URL DEST SIZE SHA256');
const rssBefore = process.memoryUsage().rss;
const dataDir = mkdtempSync(join(tmpdir(), 'bench-dl-data-'));
const db = openDatabase(dataDir);
const progress = new ProgressService({
  journal: SqliteJournal.open(db),
  pubsub: createInProcessPubSub(),
  logger: pino({ level: 'silent' }),
});
let events = 0;
progress.subscribe('progress', () => void events++);
const id = 'download_bench_1_1';
progress.startProgress(id, 'DOWNLOAD', 'Benchmark download', { total: Number(size) });
const t0 = performance.now();
const result = await downloadFile({
  url,
  destPath: dest,
  tempPath: dest + '.part',
  expectedSize: Number(size),
  sha256,
  onProgress: (current, total) => progress.updateProgress(id, { current, total }),
});
progress.completeProgress(id);
const ms = performance.now() - t0;
progress.close();
db.close();
rmSync(dataDir, { recursive: true, force: true });
if (result.sha256 !== sha256) throw new Error(`sha256 not checked: ${result.sha256}`);
console.log(JSON.stringify({ ms, size: result.size, sha256: result.sha256, maxRss: process.resourceUsage().maxRSS * 1024, rssBefore, events }));
