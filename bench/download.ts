/**
 * The download path: one large file from a local HTTP server (pinned to core 0) to disk,
 * `curl -s -o` against this service's downloader with progress on (both pinned to core 1),
 * interleaved; throughput and peak RSS. Files are deleted after each run.
 * Standalone: `tsx bench/download.ts [MiB] [reps]`.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_DIR, nodeArgv, pinnedCommand } from './lib/child.js';

export interface DownloadResult {
  bytes: number;
  reps: number;
  rows: Array<{ name: string; mbps: number[]; vsCurl?: number[]; peakRss: number[]; startRss?: number[] }>;
  notes: string[];
}

/** Runs a command; resolves with wall ms and the peak RSS seen in /proc (VmHWM, polled). */
function timed(cmd: string, args: string[]): Promise<{ ms: number; peakRss: number; stdout: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child: ChildProcess = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout!.on('data', (d) => (stdout += d));
    let peakRss = 0;
    const poll = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) peakRss = Math.max(peakRss, Number(m[1]) * 1024);
      } catch {
        /* gone */
      }
    }, 20);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearInterval(poll);
      resolve({ ms: performance.now() - t0, peakRss, stdout, code });
    });
  });
}

export async function runDownloadBench(o: { bytes: number; reps: number; log: (...a: unknown[]) => void }): Promise<DownloadResult> {
  const notes: string[] = [];
  const hasCurl = spawnSync('curl', ['--version']).status === 0;
  if (!hasCurl) notes.push('curl is not installed: no reference figure.');
  const [sCmd, sArgs] = pinnedCommand(0, nodeArgv(path.join(BENCH_DIR, 'lib', 'file-server.ts'), [String(o.bytes)]));
  const server = spawn(sCmd, sArgs, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-dl-'));
  const rows = {
    curl: { name: 'curl -s -o', mbps: [] as number[], peakRss: [] as number[] },
    curlSync: { name: 'same curl run + `sync FILE` after it', mbps: [] as number[], peakRss: [] as number[] },
    service: { name: 'service downloadFile (progress on)', mbps: [] as number[], vsCurl: [] as number[], peakRss: [] as number[], startRss: [] as number[] },
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      server.once('message', (m: { port: number }) => resolve(m.port));
      server.once('exit', (c) => reject(new Error(`file server exited (${c})`)));
    });
    const url = `http://127.0.0.1:${port}/file`;
    const mb = o.bytes / 1e6;
    // Unmeasured warm-up of the server (and the page cache's appetite).
    if (hasCurl) await timed('curl', ['-s', '-o', '/dev/null', url.replace(/file$/, 'warm')]);
    for (let rep = 0; rep < o.reps; rep++) {
      let curlMbps = NaN;
      const order = rep % 2 ? ['service', 'curl'] : ['curl', 'service'];
      for (const who of order) {
        const file = path.join(dir, `${who}-${rep}.bin`);
        if (who === 'curl' && hasCurl) {
          const [c, a] = pinnedCommand(1, ['curl', '-s', '-o', file, url]);
          const r = await timed(c, a);
          if (r.code !== 0 || statSync(file).size !== o.bytes) throw new Error(`curl failed (${r.code})`);
          curlMbps = mb / (r.ms / 1000);
          rows.curl.mbps.push(curlMbps);
          rows.curl.peakRss.push(r.peakRss);
          // The downloader fsyncs before it renames; curl does not: also report curl's time plus `sync FILE`.
          const [c2, a2] = pinnedCommand(1, ['sync', file]);
          const r2 = await timed(c2, a2);
          const withSync = mb / ((r.ms + r2.ms) / 1000);
          rows.curlSync.mbps.push(withSync);
          o.log(`  curl ${curlMbps.toFixed(0)} MB/s (+ sync ${withSync.toFixed(0)} MB/s), peak RSS ${(r.peakRss / 1048576).toFixed(1)} MiB`);
        } else if (who === 'service') {
          const [c, a] = pinnedCommand(1, nodeArgv(path.join(BENCH_DIR, 'lib', 'download-worker.ts'), [url, file, String(o.bytes)]));
          const r = await timed(c, a);
          if (r.code !== 0) throw new Error(`download worker failed (${r.code})`);
          const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { ms: number; maxRss: number; rssBefore: number; events: number };
          const mbps = mb / (out.ms / 1000);
          rows.service.mbps.push(mbps);
          rows.service.peakRss.push(out.maxRss);
          rows.service.startRss.push(out.rssBefore);
          o.log(`  service ${mbps.toFixed(0)} MB/s, peak RSS ${(out.maxRss / 1048576).toFixed(1)} MiB (at start ${(out.rssBefore / 1048576).toFixed(1)}), ${out.events} progress events`);
        }
        rmSync(file, { force: true });
        rmSync(file + '.part', { force: true });
      }
      const svc = rows.service.mbps.at(-1);
      if (svc !== undefined && Number.isFinite(curlMbps)) rows.service.vsCurl.push(svc / curlMbps);
    }
  } finally {
    server.kill();
    rmSync(dir, { recursive: true, force: true });
  }
  notes.push(
    'Server (node, generated bytes from memory) pinned to core 0; curl and the downloader pinned to core 1. Same disk (os.tmpdir()).',
    "The downloader's time excludes node start-up (measured inside the worker) but includes its sha256, its fsync and rename; curl does neither, hence the extra curl + sync row. The ratio is against plain curl.",
    "Peak RSS: curl from /proc VmHWM (polled every 20 ms); the downloader from process.resourceUsage().maxRSS (whole node process, tsx included).",
  );
  return {
    bytes: o.bytes,
    reps: o.reps,
    rows: [rows.curl, rows.curlSync, rows.service].filter((r) => r.mbps.length),
    notes,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const r = await runDownloadBench({ bytes: Number(process.argv[2] ?? 256) * 1048576, reps: Number(process.argv[3] ?? 1), log: console.log });
  console.log(JSON.stringify(r, null, 2));
}
