/**
 * The benchmark runner (issues 4, 13 and 10). Usage:
 *
 *   npm run bench                       # everything, default sizes (~20 min), writes bench/RESULTS.md and the README's table
 *   npm run bench -- --quick            # 200 subscribers, short windows, 1 repetition -> bench/RESULTS.quick.md
 *   npm run bench -- --only=W1,W4 --variants=raw,service --reps=3 --out=bench/x.md
 *
 * Workloads: W1 W2 W3 W4 W5 (subscriptions), DL (download vs curl + sync), SCAN (library scan).
 * Variants: raw, graphql-ws, yoga, mercurius, service, service-redis, service-redis-2.
 * Servers (and redis-server) run pinned to core 0, the client processes to core 1 (taskset).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { runDownloadBench, type DownloadResult } from './download.js';
import { CAN_PIN } from './lib/child.js';
import { DEFAULT_OUT, P, REDIS_VARIANTS, SERVICE_VS_RAW, command, flag, fullRun, log, outFile, variants, workloads, type VariantName } from './lib/options.js';
import { render } from './lib/report.js';
import { failures, perRep, push, results, type W1Result, type W2Result } from './lib/results.js';
import { runW1, runW2, runW3, runW4, runW5 } from './lib/workloads.js';
import { README_PATH, updateReadme } from './readme-table.js';
import { runScanBench, type ScanBenchResult } from './scan.js';

async function main() {
  const began = Date.now();
  log(`${command}  (pinning: ${CAN_PIN ? 'server core 0, client core 1' : 'NOT pinned'})`);
  log(`variants ${variants.join(',')}  workloads ${workloads.join(',')}  ${P.subscribers} subscribers  ${P.reps} rep(s)`);
  let dl: DownloadResult | null = null;
  let scan: ScanBenchResult | null = null;

  for (let rep = 0; rep < P.reps; rep++) {
    // Interleaved: each repetition runs every variant, in a rotated order.
    const order = variants.map((_, i) => variants[(i + rep) % variants.length]!);
    const thisRep = { W1: new Map<VariantName, W1Result>(), W2: new Map<VariantName, W2Result>() };
    perRep.push(thisRep);
    for (const w of ['W1', 'W2'] as const) {
      if (!workloads.includes(w)) continue;
      for (const v of order) {
        if (w === 'W2' && REDIS_VARIANTS.has(v)) continue;
        log(`rep ${rep + 1}/${P.reps} ${w} ${v}`);
        try {
          if (w === 'W1') {
            const r = await runW1(v, rep);
            push(results.W1, v, r);
            thisRep.W1.set(v, r);
          } else {
            const r = await runW2(v, rep);
            push(results.W2, v, r);
            thisRep.W2.set(v, r);
          }
        } catch (err) {
          failures.push(`rep ${rep + 1} ${w} ${v}: ${(err as Error).message}`);
          log(`FAILED ${w} ${v}:`, err);
        }
      }
    }
  }
  for (const w of ['W3', 'W4', 'W5'] as const) {
    if (!workloads.includes(w)) continue;
    for (const v of variants) {
      if (REDIS_VARIANTS.has(v) || (w !== 'W3' && !SERVICE_VS_RAW.has(v))) continue;
      log(`${w} ${v}`);
      try {
        if (w === 'W3') results.W3.set(v, await runW3(v));
        else if (w === 'W4') results.W4.set(v, await runW4(v));
        else results.W5.set(v, await runW5(v));
      } catch (err) {
        failures.push(`${w} ${v}: ${(err as Error).message}`);
        log(`FAILED ${w} ${v}:`, err);
      }
    }
  }
  if (workloads.includes('DL')) {
    log('download: service downloader vs curl');
    try {
      dl = await runDownloadBench({ sizes: P.downloadSizesMiB.map((m) => m * 1048576), reps: P.downloadReps, log });
    } catch (err) {
      failures.push(`DL: ${(err as Error).message}`);
      log('FAILED download', err);
    }
  }
  if (workloads.includes('SCAN')) {
    log(`scan: ${P.scanSeries} series x 24 episodes`);
    try {
      scan = await runScanBench({ series: P.scanSeries, episodes: 24, log });
    } catch (err) {
      failures.push(`SCAN: ${(err as Error).message}`);
      log('FAILED scan', err);
    }
  }
  const md = render(dl, scan, (Date.now() - began) / 1000);
  writeFileSync(outFile, md);
  console.log('\n' + md);
  log(`wrote ${path.relative(process.cwd(), outFile)} in ${((Date.now() - began) / 1000).toFixed(0)} s`);
  // The README's performance table is this run's: a full run to bench/RESULTS.md rewrites it.
  if ((outFile === DEFAULT_OUT && fullRun) || flag('readme')) {
    updateReadme(README_PATH, md);
    log(`README.md: performance table regenerated from ${path.relative(process.cwd(), outFile)}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
