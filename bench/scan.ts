/**
 * The library scan: a generated library of N series folders × 24 empty episode files (some
 * episodes missing on disk) scanned by SeriesApp.rescan against a local catalog. The catalog
 * runs pinned to core 0, the scan to core 1. Standalone: `tsx bench/scan.ts [series]`.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_DIR, nodeArgv, pinnedCommand } from './lib/child.js';

export interface ScanBenchResult {
  series: number;
  episodes: number;
  ms: number;
  peakRss: number;
  notes: string[];
}

/** Episodes missing on disk for series i: every 3rd lacks its last episode, every 5th its 12th. */
const missingOf = (i: number, episodes: number) => [...(i % 3 === 0 ? [episodes] : []), ...(i % 5 === 0 && episodes >= 12 ? [12] : [])];

async function generate(root: string, series: number, episodes: number): Promise<number> {
  let missing = 0;
  let next = 0;
  const worker = async () => {
    while (next < series) {
      const i = next++;
      const name = `Bench Series ${String(i).padStart(5, '0')}`;
      const dir = path.join(root, name);
      await mkdir(dir);
      await writeFile(path.join(dir, 'series.json'), JSON.stringify({ key: `bench-series-${i}`, name }));
      const gone = missingOf(i, episodes);
      missing += gone.length;
      for (let e = 1; e <= episodes; e++) {
        if (gone.includes(e)) continue;
        await writeFile(path.join(dir, `${name} - S01E${String(e).padStart(2, '0')}.mkv`), '');
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return missing;
}

export async function runScanBench(o: { series: number; episodes: number; log: (...a: unknown[]) => void }): Promise<ScanBenchResult> {
  const root = mkdtempSync(path.join(tmpdir(), 'bench-library-'));
  const [cCmd, cArgs] = pinnedCommand(0, nodeArgv(path.join(BENCH_DIR, 'lib', 'catalog-server.ts'), [String(o.episodes)]));
  const catalog = spawn(cCmd, cArgs, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const g0 = performance.now();
    const expectedMissing = await generate(root, o.series, o.episodes);
    o.log(`  generated ${o.series} × ${o.episodes} in ${((performance.now() - g0) / 1000).toFixed(1)} s`);
    const port = await new Promise<number>((resolve, reject) => {
      catalog.once('message', (m: { port: number }) => resolve(m.port));
      catalog.once('exit', (c) => reject(new Error(`catalog exited (${c})`)));
    });
    const [cmd, args] = pinnedCommand(1, nodeArgv(path.join(BENCH_DIR, 'lib', 'scan-worker.ts'), [root, `http://127.0.0.1:${port}`]));
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
      let s = '';
      child.stdout.on('data', (d) => (s += d));
      child.once('exit', (code) => (code === 0 ? resolve(s) : reject(new Error(`scan worker exited (${code})`))));
    });
    const r = JSON.parse(out.trim().split('\n').pop()!) as { ms: number; maxRss: number; series: number; missing: number; errors: number; progressEvents: number; firstError?: string };
    o.log(`  rescan ${(r.ms / 1000).toFixed(2)} s, peak RSS ${(r.maxRss / 1048576).toFixed(1)} MiB, ${r.missing} missing (expected ${expectedMissing}), ${r.errors} errors`);
    const notes = [
      `Found ${r.series} series, ${r.missing} missing episodes (generated ${expectedMissing} missing), ${r.errors} series with errors${r.firstError ? ` (first: ${r.firstError})` : ''}; ${r.progressEvents} scan_status events.`,
      'Catalog (node http, one JSON answer per series) pinned to core 0; the scan (SeriesApp with the real catalog client, default concurrency) pinned to core 1. Time excludes node start-up and generation; peak RSS is the whole scan process.',
    ];
    if (r.missing !== expectedMissing || r.series !== o.series) notes.push('**The scan result does not match the generated library.**');
    return { series: o.series, episodes: o.episodes, ms: r.ms, peakRss: r.maxRss, notes };
  } finally {
    catalog.kill();
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await runScanBench({ series: Number(process.argv[2] ?? 5000), episodes: 24, log: console.log });
  console.log(JSON.stringify(r, null, 2));
}
