/** bench/RESULTS.md: the tables, the targets of issues 13 and 10 (met / missed), the README block. */
import os from 'node:os';
import type { DownloadResult } from '../download.js';
import { README_BLOCK_END, README_BLOCK_START } from '../readme-table.js';
import type { ScanBenchResult } from '../scan.js';
import { CAN_PIN, FILE_LIMIT } from './child.js';
import { P, command, label, variants, type VariantName } from './options.js';
import {
  failures,
  fmt1,
  fmtInt,
  fmtKB,
  fmtKiB,
  fmtMiB,
  fmtMs,
  fmtPlusKB,
  fmtX,
  high,
  median,
  mmm,
  perRep,
  repRatios,
  results,
  stepLog,
  type W1Result,
  type W2Result,
} from './results.js';

export function render(dl: DownloadResult | null, scan: ScanBenchResult | null, seconds: number): string {
  const cpus = os.cpus();
  const L: string[] = [];
  L.push('# Subscription & download benchmark results', '');
  if (label) L.push(`> **${label}**`, '');
  L.push('```', `$ ${command}`, '```', '');
  L.push(`- Date: ${new Date().toISOString()}; wall time ${seconds.toFixed(0)} s`);
  L.push(`- Machine: ${cpus.length} × ${cpus[0]?.model ?? '?'}, ${fmtMiB(os.totalmem())} RAM, ${os.type()} ${os.release()}, Node ${process.version}`);
  const contended = stepLog.filter((s) => s.contended).length;
  L.push(`- Load average (1 min) during the steps: ${loadNote()}; ${contended} of ${stepLog.length} steps contended (publisher behind while the server used < 80 % of its core: another process had core 0 — figures from such a run are not comparable).`);
  L.push(`- Pinning: ${CAN_PIN ? 'servers (and redis-server) `taskset -c 0`, client harness `taskset -c 1`' : '**none** (taskset missing or < 2 cores)'}; open-file limit ${fmtInt(FILE_LIMIT)} per process.`);
  L.push(
    `- ${P.subscribers} subscribers, one subscription per WebSocket; ${P.reps} interleaved repetition(s) of W1/W2; windows ${P.windowMs} ms after ${P.warmupMs} ms warm-up, ${P.drainMs} ms drain; ${P.clientProcs} client process(es).`,
    `- Sustained = highest delivered msgs/s with ≥ 99.9 % delivered, p99 < 50 ms and RSS growth ≤ ${fmtMiB(P.rssGrowthLimit)} within the window. ` +
      `A figure marked † was limited by the client harness (≥ ${P.clientSaturation * 100} % of its core): it is a lower bound, void as a ratio.`,
    `- Values: median [min–max] over repetitions; ratios vs raw \`ws\` are computed per repetition, then summarized.`,
    '',
  );
  const rawAvailable = variants.includes('raw');
  const vsRaw = (v: VariantName, pick: (r: W1Result & W2Result) => number, f: (n: number) => string = fmtX, diff = false) =>
    rawAvailable ? mmm(repRatios('W1', v, pick, diff), f) : '–';
  if (results.W1.size) {
    L.push('## W1 — subscribers over 4 progress types (1 type each)', '');
    L.push(
      `Server CPU counts every server process of the variant (service-redis-2: both instances); redis-server's own CPU is the separate column. ` +
        `"@ 40k" is void (–) where that step did not pass (the server could not publish or deliver 40k msgs/s). ` +
        `Ratios leave out the repetitions in which a step of either variant was contended (‡ in the step table: another process had core 0).`,
      '',
    );
    L.push('| variant | sustained msgs/s | vs raw | server CPU µs/msg @ 10k/s | vs raw | @ 40k/s | vs raw | redis-server µs/msg @ 10k/s | p50 @ 10k/s | p99 @ 10k/s | p99 vs raw | heap/idle sub | vs raw | RSS/sub | bytes/msg |');
    L.push('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const v of variants) {
      const r = results.W1.get(v);
      if (!r) continue;
      const sat = r.some((x) => x.sustainedSaturated) ? ' †' : '';
      L.push(
        `| ${v} | ${mmm(r.map((x) => x.sustained), fmtInt)}${sat} | ${vsRaw(v, (x) => x.sustained)} ` +
          `| ${mmm(r.map((x) => x.cpuUsPerMsg), fmt1)} | ${vsRaw(v, (x) => x.cpuUsPerMsg)} ` +
          `| ${mmm(r.map((x) => high(x)), fmt1)} | ${vsRaw(v, (x) => high(x))} | ${mmm(r.map((x) => x.redisCpuUsPerMsg), fmt1)} ` +
          `| ${mmm(r.map((x) => x.p50), fmtMs)} | ${mmm(r.map((x) => x.p99), fmtMs)}${r.some((x) => x.latencySaturated) ? ' †' : ''} | ${vsRaw(v, (x) => x.p99)} ` +
          `| ${mmm(r.map((x) => x.heapPerSub), fmtKB)} | ${rawAvailable ? mmm(repRatios('W1', v, (x) => x.heapPerSub, true, true), fmtPlusKB) : '–'} ` +
          `| ${mmm(r.map((x) => x.rssPerSub), fmtKB)} | ${mmm(r.map((x) => x.avgBytes), (n) => n.toFixed(0))} |`,
      );
    }
    L.push('');
  }
  if (results.W2.size) {
    L.push('## W2 — subscribers in 100 distinct (document, variables) groups', '');
    L.push('10 operation names × 10 `types` sets (4 single types, 6 pairs); each event reaches 40 % of the subscribers.', '');
    L.push('| variant | sustained msgs/s | vs raw |', '|---|---|---|');
    for (const v of variants) {
      const r = results.W2.get(v);
      if (!r) continue;
      const sat = r.some((x) => x.sustainedSaturated) ? ' †' : '';
      L.push(`| ${v} | ${mmm(r.map((x) => x.sustained), fmtInt)}${sat} | ${rawAvailable ? mmm(repRatios('W2', v, (x) => x.sustained), fmtX) : '–'} |`);
    }
    L.push('');
  }
  if (results.W3.size) {
    L.push(`## W3 — subscribe/unsubscribe churn (${P.churnOpsPerSec} complete+subscribe/s at ${fmtInt(P.churnRate)} msgs/s, ${P.churnMs} ms, 1 run)`, '');
    L.push('| variant | churn ops/s | delivered msgs/s | p99 | heap growth per churn op (after GC) | RSS growth | client errors | uncaught |', '|---|---|---|---|---|---|---|---|');
    for (const v of variants) {
      const r = results.W3.get(v);
      if (!r) continue;
      L.push(`| ${v} | ${fmtInt(r.churnOpsPerSec)} | ${fmtInt(r.msgsPerSec)} | ${fmtMs(r.p99)} | ${r.heapGrowthPerOp.toFixed(0)} B | ${fmtMiB(r.rssGrowth)} | ${r.errors} | ${r.uncaught} |`);
    }
    L.push('');
  }
  if (results.W4.size) {
    L.push(`## W4 — subscribers that stop reading (${fmtInt(P.w4Rate)} msgs/s to ${P.w4Subscribers} subscribers, ~${((P.w4PadBytes + 470) / 1024).toFixed(1)} KB a message, 1 run)`, '');
    L.push(
      `${P.w4Resumable} subscribers stop reading (socket \`pause()\`d) and read again after ${P.w4ResumeAtMs / 1000} s; ${P.w4Dead} never read again. Both take all 4 types ` +
        `(1/${P.w4Subscribers / 4} of the events, ~${fmtInt(((P.w4Rate * 4) / P.w4Subscribers) * ((P.w4PadBytes + 470) / 1024))} KB/s each), so the kernel's loopback buffers fill within seconds and the rest waits in the server. ` +
        `The service runs with bench-only fan-out limits passed to createApp: high water ${fmtKiB(P.w4HighWater)}, low water ${fmtKiB(P.w4LowWater)}, stall timeout ${P.w4StallTimeoutMs / 1000} s (defaults 1 MiB, 256 KiB, 30 s). ` +
        `"In the server" = most of Σ bufferedAmount of its sockets (and of one socket), sampled every 250 ms; a stalled member's queue (up to LIVE_QUEUE_CAPACITY frames, then the latest per operation) is on top of that, seen in RSS growth and in the drop counter; "in the kernel" = server Send-Q + client Recv-Q (\`ss\`). ` +
        `"Accounted" = (messages received since the stall + the \`missed\` counts they carried) / events published meanwhile: 100 % means nothing was lost without being counted.`,
      '',
    );
    L.push('| variant | healthy p99 no stall → stall | ratio | healthy delivered | socket buffers in the server (max; one socket) | in the kernel (max; one socket) | after | RSS growth | dropped (/metrics) | resumed: received, frames with `missed`, accounted | never read: closed | uncaught |');
    L.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const v of variants) {
      const r = results.W4.get(v);
      if (!r) continue;
      L.push(
        `| ${v} | ${fmtMs(r.baseP99)} → ${fmtMs(r.stallP99)} | ${fmtX(r.ratio)} | ${(r.healthyDelivered * 100).toFixed(2)} % | ${fmtMiB(r.queuedService)}; ${fmtMiB(r.queuedServicePerSocket)} ` +
          `| ${fmtMiB(r.queuedKernel)}; ${fmtMiB(r.queuedKernelPerSocket)} | ${fmtMiB(r.queuedAfter)} | ${fmtMiB(r.rssGrowth)} | ${Object.entries(r.dropped).map(([k, n]) => `${k} ${fmtInt(n)}`).join(', ') || '–'} ` +
          `| ${fmtInt(r.resumable.received)} of ${fmtInt(r.publishedWhileStalled)}, ${r.resumable.missedFrames}, ${(r.resumable.accounted * 100).toFixed(1)} % ` +
          `| server sent ${Object.entries(r.closesSent).map(([c, n]) => `${c} ×${n}`).join(', ') || 'no close'}; ${r.dead.closed}/${r.dead.n} ended${r.dead.codes.length ? ` (client saw ${r.dead.codes.join(',')})` : ''} | ${r.uncaught} |`,
      );
    }
    L.push('');
  }
  if (results.W5.size) {
    L.push(`## W5 — ${fmtInt(P.w5Subscribers)} idle subscribers on one process (${P.w5ClientProcs} client processes, 1 run)`, '');
    if (P.w5Subscribers < 20_000) L.push(`The open-file limit here is ${fmtInt(FILE_LIMIT)} per process (hard limit; raising it needs a privilege this machine does not give): ${fmtInt(P.w5Subscribers)} sockets is the most one server process can hold with its other files.`, '');
    L.push('| variant | subscribers | time to subscribe all | RSS/sub | heap/sub | p50 @ 10k/s | p99 @ 10k/s | delivered |', '|---|---|---|---|---|---|---|---|');
    for (const v of variants) {
      const r = results.W5.get(v);
      if (!r) continue;
      L.push(
        `| ${v} | ${fmtInt(r.subscribers)} | ${(r.subscribeMs / 1000).toFixed(2)} s | ${fmtKB(r.rssPerSub)} | ${fmtKB(r.heapPerSub)} | ${fmtMs(r.p50)} | ${fmtMs(r.p99)}${r.clientSaturated ? ' †' : ''} | ${(r.delivered * 100).toFixed(2)} % |`,
      );
    }
    L.push('');
  }
  if (dl) {
    for (const size of dl.sizes) {
      L.push(`## Download — one ${fmtMiB(size.bytes)} file from a local HTTP server to disk (${dl.reps} interleaved run(s))`, '');
      L.push('| client | MB/s | vs curl + sync | vs curl | peak RSS | RSS at start |', '|---|---|---|---|---|---|');
      for (const row of size.rows) {
        L.push(
          `| ${row.name} | ${mmm(row.mbps, (n) => n.toFixed(0))} | ${row.vsCurlSync ? mmm(row.vsCurlSync, fmtX) : '–'} | ${row.vsCurl ? mmm(row.vsCurl, fmtX) : '–'} | ${row.peakRss.length ? mmm(row.peakRss, fmtMiB) : '–'} | ${row.startRss ? mmm(row.startRss, fmtMiB) : '–'} |`,
        );
      }
      L.push('');
    }
    L.push(...dl.notes.map((n) => `- ${n}`), '');
  }
  if (scan) {
    L.push(`## Scan — ${fmtInt(scan.series)} series × ${scan.episodes} episode files against a local catalog`, '');
    L.push('| what | time | peak RSS | series/s |', '|---|---|---|---|');
    L.push(`| SeriesApp.rescan | ${(scan.ms / 1000).toFixed(2)} s | ${fmtMiB(scan.peakRss)} | ${fmtInt(scan.series / (scan.ms / 1000))} |`);
    L.push('', ...scan.notes.map((n) => `- ${n}`), '');
  }
  const t = targets(dl);
  L.push('## Targets (issues 13 and 10; ratios within this run)', '', ...t, '');
  if (failures.length) L.push('## Failures', '', ...failures.map((f) => `- ${f}`), '');
  L.push(README_BLOCK_START, ...readmeBlock(t), README_BLOCK_END, '');
  L.push('<details><summary>Every measured step</summary>', '', '| variant | step | target/s | got/s | offered | delivered | p50 | p99 | server CPU | µs/msg | redis µs/msg | client CPU | client µs/msg | RSS+ | load | pass |', '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const s of stepLog) {
    L.push(
      `| ${s.variant} | ${s.label} | ${fmtInt(s.target)} | ${fmtInt(s.msgsPerSec)} | ${(s.offered * 100).toFixed(0)} %${s.contended ? ' ‡' : ''} | ${(s.ratio * 100).toFixed(2)} % | ${fmtMs(s.p50)} | ${fmtMs(s.p99)} | ${(s.serverCpu * 100).toFixed(0)} % ` +
        `| ${s.serverCpuUsPerMsg.toFixed(1)} | ${Number.isFinite(s.redisCpuUsPerMsg) ? s.redisCpuUsPerMsg.toFixed(1) : '–'} | ${(s.clientCpu * 100).toFixed(0)} %${s.clientSaturated ? ' †' : ''} | ${s.clientCpuUsPerMsg.toFixed(1)} | ${fmtMiB(s.rssGrowth)} | ${s.load1.toFixed(1)} | ${s.pass ? 'yes' : 'no'} |`,
    );
  }
  L.push('', '</details>', '');
  return L.join('\n');
}

function loadNote(): string {
  return mmm(stepLog.map((s) => s.load1), (n) => n.toFixed(1));
}

/** Ratios of variant a to variant b within each repetition of W1. */
function pairRatios(a: VariantName, b: VariantName, pick: (r: W1Result) => number): number[] {
  return perRep
    .map((rep) => {
      const x = rep.W1.get(a);
      const y = rep.W1.get(b);
      return x && y && !x.contended && !y.contended ? pick(x) / pick(y) : NaN;
    })
    .filter((n) => Number.isFinite(n));
}

/** The targets table: one row per target of issues 13 and 10, met / missed with the measured value. */
function targets(dl: DownloadResult | null): string[] {
  const L = ['| issue | target | measured (median [min–max]) | met? |', '|---|---|---|---|'];
  const row = (issue: number, name: string, vals: number[], ok: ((m: number) => boolean) | null, f: (n: number) => string, note = '', voidReason = '') => {
    const m = median(vals);
    const verdict = !Number.isFinite(m) ? 'not measured' : ok === null ? 'reported' : ok(m) ? 'met' : '**missed**';
    L.push(`| ${issue} | ${name} | ${mmm(vals, f)}${note} | ${voidReason ? `void (${voidReason})` : note.includes('void') ? 'void (client-bound)' : verdict} |`);
  };
  // Repetitions where another process had core 0 are left out of the ratios (repRatios); say how many.
  const w1Reps = perRep.filter((r) => r.W1.has('service') && r.W1.has('raw'));
  const w1Contended = w1Reps.filter((r) => r.W1.get('service')!.contended || r.W1.get('raw')!.contended).length;
  const w1Void = w1Reps.length > 0 && w1Contended === w1Reps.length ? 'every repetition contended' : '';
  const w1Note = w1Contended && !w1Void ? ` (${w1Contended} of ${w1Reps.length} repetitions contended: left out)` : '';
  const sat = (w: 'W1' | 'W2') => ([...(results[w].get('raw') ?? []), ...(results[w].get('service') ?? [])] as Array<{ sustainedSaturated: boolean }>).some((x) => x.sustainedSaturated);
  const voidNote = (w: 'W1' | 'W2') => (sat(w) ? ' † client-saturated: void' : '');
  const highNote = (results.W1.get('service') ?? []).some((x) => !x.highPass) || (results.W1.get('raw') ?? []).some((x) => !x.highPass) ? ' (a 40k step failed: that repetition is left out)' : '';
  row(13, 'W1 server CPU/msg @ 10k msgs/s ≤ 1.10× raw', repRatios('W1', 'service', (x) => x.cpuUsPerMsg), (m) => m <= 1.1, fmtX, w1Note, w1Void);
  row(13, 'W1 server CPU/msg @ 40k msgs/s ≤ 1.10× raw', repRatios('W1', 'service', (x) => high(x)), (m) => m <= 1.1, fmtX, highNote + w1Note, w1Void);
  row(13, 'W1 sustained ≥ 0.9× raw', repRatios('W1', 'service', (x) => x.sustained), (m) => m >= 0.9, fmtX, voidNote('W1') + w1Note, w1Void);
  row(13, 'W1 p99 @ 10k msgs/s ≤ 1.5× raw', repRatios('W1', 'service', (x) => x.p99), (m) => m <= 1.5, fmtX, w1Note, w1Void);
  row(13, 'W1 heap per idle subscriber ≤ raw + 3 KB', repRatios('W1', 'service', (x) => x.heapPerSub, true, true), (m) => m <= 3072, fmtPlusKB);
  row(4, 'W2 sustained ≥ 0.75× raw', repRatios('W2', 'service', (x) => x.sustained), (m) => m >= 0.75, fmtX, voidNote('W2'));
  const w5s = results.W5.get('service');
  const w5r = results.W5.get('raw');
  if (w5s && w5r) {
    row(13, `W5 p99 @ 10k msgs/s with ${fmtInt(w5s.subscribers)} subscribers ≤ 1.5× raw`, [w5s.p99 / w5r.p99], (m) => m <= 1.5, fmtX, ` (${fmtMs(w5s.p99)} vs ${fmtMs(w5r.p99)})`, w5s.contended || w5r.contended ? 'contended' : '');
    row(13, 'W5 RSS per subscriber ≤ raw + 5 KB', [w5s.rssPerSub - w5r.rssPerSub], (m) => m <= 5120, fmtPlusKB, ` (${fmtKB(w5s.rssPerSub)} vs ${fmtKB(w5r.rssPerSub)})`);
    row(13, 'W5 time to subscribe all vs raw', [w5s.subscribeMs / w5r.subscribeMs], null, fmtX, ` (${(w5s.subscribeMs / 1000).toFixed(1)} s vs ${(w5r.subscribeMs / 1000).toFixed(1)} s)`);
  }
  const w4 = results.W4.get('service');
  if (w4) {
    row(13, `W4 the service holds the backlog (a stalled socket past the high water, ${fmtKiB(P.w4HighWater)})`, [w4.queuedServicePerSocket], (m) => m >= P.w4HighWater, fmtMiB, ` held by the service, ${fmtMiB(w4.queuedKernelPerSocket)} by the kernel (one socket)`);
    row(13, 'W4 bounded memory (one socket ≤ high water + 64 KiB; RSS growth ≤ 50 MB)', [w4.queuedServicePerSocket <= P.w4HighWater + 65536 && w4.rssGrowth <= 50e6 ? 1 : 0], (m) => m === 1, () => `${fmtMiB(w4.queuedServicePerSocket)} per socket, RSS +${fmtMiB(w4.rssGrowth)}`);
    row(13, 'W4 conflation: frames with `missed` after resume, nothing lost uncounted (accounted 99–101 %)', [w4.resumable.missedFrames], (m) => m >= 1 && Math.abs(w4.resumable.accounted - 1) <= 0.01, (n) => `${n} frames (${fmtInt(w4.resumable.missed)} missed), accounted ${(w4.resumable.accounted * 100).toFixed(1)} %, ${fmtInt(w4.dropped.conflated ?? 0)} conflated in all`);
    const sent1008 = w4.closesSent['1008'] ?? 0;
    row(13, 'W4 a socket that does not read is closed with 1008', [Math.min(sent1008, w4.dead.closed) / Math.max(1, w4.dead.n)], (m) => m >= 1, (n) => `${(n * 100).toFixed(0)} %: the server sent 1008 to ${sent1008}, ${w4.dead.closed}/${w4.dead.n} connections ended (a client that does not read sees ${w4.dead.codes.join(',') || 'nothing'})`);
    row(13, 'W4 healthy p99 during the stall ≤ 1.2× no-stall', [w4.ratio], (m) => m <= 1.2, fmtX, ` (${fmtMs(w4.stallP99)} vs ${fmtMs(w4.baseP99)})`, w4.contended ? 'contended' : '');
    row(13, 'W4 zero uncaught errors, no healthy subscriber closed', [w4.uncaught + w4.healthyClosed], (m) => m === 0, String);
  }
  if (dl) {
    for (const size of dl.sizes) {
      if (size.service.vsCurlSync?.length) row(13, `Download ${fmtMiB(size.bytes)} ≥ 0.9× curl + sync (sha256 checked)`, size.service.vsCurlSync, (m) => m >= 0.9, fmtX);
    }
    const first = dl.sizes[0];
    const last = dl.sizes.at(-1);
    if (first && last && last !== first) {
      const d = median(last.service.peakRss) - median(first.service.peakRss);
      row(13, `Download peak RSS flat in the file size (${fmtMiB(last.bytes)} ≤ ${fmtMiB(first.bytes)} + 16 MiB)`, [d], (m) => m <= 16 * 1048576, (n) => `${n >= 0 ? '+' : ''}${fmtMiB(n)}`, ` (${fmtMiB(median(last.service.peakRss))} vs ${fmtMiB(median(first.service.peakRss))})`);
    }
  }
  for (const v of ['service-redis', 'service-redis-2'] as const) {
    const vals = pairRatios(v, 'service', (x) => x.cpuUsPerMsg);
    const redis = results.W1.get(v)?.map((x) => x.redisCpuUsPerMsg) ?? [];
    if (!results.W1.has(v) || !results.W1.has('service')) continue;
    if (!vals.length) {
      row(10, `${v === 'service-redis' ? 'Redis, one instance' : 'Redis, two instances (CPU summed)'}: server CPU/msg ≤ 1.3× SQLite mode`, [], null, fmtX, '', 'every repetition contended');
      continue;
    }
    row(10, `${v === 'service-redis' ? 'Redis, one instance' : 'Redis, two instances (CPU summed)'}: server CPU/msg ≤ 1.3× SQLite mode`, vals, (m) => m <= 1.3, fmtX, `; redis-server's own ${mmm(redis, fmt1)} µs/msg not included`);
  }
  row(10, 'SQLite mode no slower than before issue 10 (CPU/msg vs raw ≤ 1.23×, issue 13\'s figure)', repRatios('W1', 'service', (x) => x.cpuUsPerMsg), (m) => m <= 1.23, fmtX, w1Note, w1Void);
  return L;
}

/** What README.md shows (scripts regenerate it from here: bench/readme-table.ts). */
function readmeBlock(targetRows: string[]): string[] {
  const L: string[] = [];
  L.push(
    `${label ? `**${label}** ` : ''}Generated from \`bench/RESULTS.md\` (\`${command}\`, ${new Date().toISOString().slice(0, 10)}, load average ${loadNote()}); ratios within that run.`,
    '',
  );
  const shown = variants.filter((v) => v !== 'raw' && results.W1.has(v));
  if (shown.length && variants.includes('raw')) {
    L.push(`| W1, ${fmtInt(P.subscribers)} subscribers | ${shown.join(' | ')} |`, `| --- |${shown.map(() => ' --- |').join('')}`);
    const line = (name: string, f: (v: VariantName) => string) => L.push(`| ${name} | ${shown.map(f).join(' | ')} |`);
    const sat = (v: VariantName) => ((results.W1.get(v) ?? []).some((x) => x.sustainedSaturated) || (results.W1.get('raw') ?? []).some((x) => x.sustainedSaturated) ? ' †' : '');
    line('sustained msgs/s vs raw `ws`', (v) => `${fmtX(median(repRatios('W1', v, (x) => x.sustained)))}${sat(v)}`);
    line('server CPU per message vs raw, 10k msgs/s', (v) => fmtX(median(repRatios('W1', v, (x) => x.cpuUsPerMsg))));
    line('server CPU per message vs raw, 40k msgs/s', (v) => fmtX(median(repRatios('W1', v, (x) => high(x)))));
    line('p99 at 10k msgs/s vs raw', (v) => fmtX(median(repRatios('W1', v, (x) => x.p99))));
    L.push('', '† limited by the client harness: a lower bound.', '');
  }
  L.push(...targetRows);
  return L;
}

