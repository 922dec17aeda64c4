/**
 * The subscription benchmark runner (issue 4, part 1). Usage:
 *
 *   npm run bench                       # everything, default sizes (~10+ min), writes bench/RESULTS.md
 *   npm run bench -- --quick            # 200 subscribers, short windows, 1 repetition -> bench/RESULTS.quick.md
 *   npm run bench -- --only=W1,W4 --variants=raw,service --reps=3 --out=bench/x.md
 *
 * Workloads: W1 W2 W3 W4 (subscriptions), DL (download vs curl), SCAN (library scan).
 * Variants: raw, graphql-ws, yoga, mercurius, service.
 * Servers run pinned to core 0, the client harness to core 1 (taskset).
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runDownloadBench, type DownloadResult } from './download.js';
import { BENCH_DIR, CAN_PIN, Child, sleep } from './lib/child.js';
import { BENCH_TYPES, type BenchType, nowMs, subscriptionDocument } from './lib/shared.js';
import { runScanBench, type ScanBenchResult } from './scan.js';

// ---- options ------------------------------------------------------------------------------

const ALL_VARIANTS = ['raw', 'graphql-ws', 'yoga', 'mercurius', 'service', 'service-redis'] as const;
type VariantName = (typeof ALL_VARIANTS)[number];
const ALL_WORKLOADS = ['W1', 'W2', 'W3', 'W4', 'DL', 'SCAN'] as const;
type Workload = (typeof ALL_WORKLOADS)[number];

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(`--${name}`);
const opt = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const list = <T extends string>(name: string, all: readonly T[]): T[] => {
  const v = opt(name);
  if (!v) return [...all];
  const wanted = v.split(',').map((s) => s.trim());
  const bad = wanted.filter((w) => !all.includes(w as T));
  if (bad.length) throw new Error(`--${name}: unknown ${bad.join(', ')} (choose from ${all.join(', ')})`);
  return wanted as T[];
};

const quick = flag('quick');
const P = {
  subscribers: Number(opt('subscribers') ?? (quick ? 200 : 1000)),
  reps: Number(opt('reps') ?? (quick ? 1 : 3)),
  warmupMs: quick ? 700 : 800,
  /** Unmeasured traffic right after the subscribers connect. */
  rigWarmupMs: quick ? 1500 : 2000,
  windowMs: Number(opt('window-ms') ?? (quick ? 1500 : 2000)),
  drainMs: 700,
  /** The fixed rate (delivered msgs/s) of the CPU-per-message and latency figures. */
  fixedRate: 10_000,
  /** Rate of the unmeasured warm-up after connecting. */
  warmRate: 5_000,
  /** Sustained search. */
  searchStart: quick ? 5_000 : 8_000,
  searchFactor: quick ? 2 : 1.6,
  searchRefine: 1,
  searchMax: 400_000,
  /** Later repetitions search around the first one's result. */
  searchFactorLater: 1.15,
  rssGrowthLimit: 32 * 1024 * 1024,
  clientSaturation: 0.9,
  churnOpsPerSec: quick ? 200 : 500,
  churnMs: quick ? 2000 : 4000,
  churnRate: 5_000,
  w4Rate: 10_000,
  stallMs: Number(opt('stall-ms') ?? (quick ? 3000 : 6000)),
  downloadBytes: Number(opt('download-mib') ?? (quick ? 256 : 512)) * 1024 * 1024,
  downloadReps: quick ? 1 : 3,
  scanSeries: Number(opt('scan-series') ?? (quick ? 1000 : 5000)),
};
const variants = list('variants', ALL_VARIANTS);
const workloads = list('only', ALL_WORKLOADS);
const outFile = path.resolve(opt('out') ?? path.join(BENCH_DIR, quick ? 'RESULTS.quick.md' : 'RESULTS.md'));
const command = `npm run bench${argv.length ? ' -- ' + argv.join(' ') : ''}`;

const log = (...a: unknown[]) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);

// ---- subscriber layouts -------------------------------------------------------------------

interface Sub {
  query: string;
  variables: { types: BenchType[] };
}
/** Type sets of W2: the 4 singles and the 6 pairs (10 variable sets x 10 document names = 100 groups). */
const TYPE_SETS: BenchType[][] = [
  ...BENCH_TYPES.map((t) => [t]),
  ...BENCH_TYPES.flatMap((a, i) => BENCH_TYPES.slice(i + 1).map((b) => [a, b])),
];

function layout(kind: 'W1' | 'W2', n: number): Sub[] {
  return Array.from({ length: n }, (_, i) => {
    if (kind === 'W1') return { query: subscriptionDocument(), variables: { types: [BENCH_TYPES[i % 4]!] } };
    const g = i % 100;
    return { query: subscriptionDocument(`Progress${g % 10}`), variables: { types: TYPE_SETS[Math.floor(g / 10)]! } };
  });
}

/** Subscribers that receive an event of each type. */
function fanout(subs: Sub[], exclude: ReadonlySet<number> = new Set()): number[] {
  return BENCH_TYPES.map((t) => subs.filter((s, i) => !exclude.has(i) && s.variables.types.includes(t)).length);
}

// ---- one measured step --------------------------------------------------------------------

interface Step {
  label: string;
  target: number;
  delivered: number;
  expected: number;
  ratio: number;
  msgsPerSec: number;
  p50: number;
  p99: number;
  serverCpuUsPerMsg: number;
  serverCpu: number;
  /** Published / asked for, over the window. */
  offered: number;
  clientCpu: number;
  clientSaturated: boolean;
  /** The publisher fell behind while the server used < 80 % of its core: other processes took the core. */
  contended: boolean;
  load1: number;
  rssGrowth: number;
  rssStart: number;
  rssMax: number;
  avgBytes: number;
  errors: number;
  uncaught: number;
  pass: boolean;
  stalledCount?: number;
  published: number[];
}

interface Rig {
  variant: VariantName;
  server: Child;
  client: Child;
  subs: Sub[];
  fan: number[];
}

async function startRig(variant: VariantName, subs: Sub[], heap?: { before: number; after: number; rssBefore: number; rssAfter: number }): Promise<Rig> {
  const server = new Child(`server:${variant}`, path.join(BENCH_DIR, 'servers', `${variant}.ts`), 0);
  const client = new Child('client', path.join(BENCH_DIR, 'client.ts'), 1);
  try {
    await Promise.all([server.ready, client.ready]);
    const { url } = await server.call<{ url: string }>('start');
    if (heap) {
      const h = await server.call<{ heap: number; rss: number }>('heap');
      heap.before = h.heap;
      heap.rssBefore = h.rss;
    }
    await client.call('connect', { url, subs, concurrency: 50 }, 180_000);
    await sleep(500);
    if (heap) {
      const h = await server.call<{ heap: number; rss: number }>('heap');
      heap.after = h.heap;
      heap.rssAfter = h.rss;
    }
    const rig: Rig = { variant, server, client, subs, fan: fanout(subs) };
    // Unmeasured warm-up (JIT, buffers, heap growth) before the first measured window.
    await server.call('rate', { eventsPerSec: eventsPerSec(P.warmRate, rig.fan) });
    await sleep(P.rigWarmupMs);
    await server.call('rate', { eventsPerSec: 0 });
    await client.call('idle', { quietMs: 300, maxMs: 10_000 }, 30_000);
    return rig;
  } catch (err) {
    await Promise.all([server.stop(), client.stop('close')]);
    throw err;
  }
}

async function stopRig(rig: Rig): Promise<void> {
  await Promise.all([rig.client.stop('close'), rig.server.stop()]);
}

const eventsPerSec = (delivered: number, fan: number[]) => (delivered * fan.length) / fan.reduce((a, b) => a + b, 0);

async function step(rig: Rig, label: string, target: number, o: { windowMs?: number; fan?: number[]; rate?: boolean } = {}): Promise<Step> {
  const windowMs = o.windowMs ?? P.windowMs;
  const fan = o.fan ?? rig.fan;
  if (o.rate !== false) await rig.server.call('rate', { eventsPerSec: eventsPerSec(target, rig.fan) });
  const start = nowMs() + P.warmupMs;
  const end = start + windowMs;
  await Promise.all([rig.server.call('arm', { start, end }), rig.client.call('arm', { start, end })]);
  await sleep(end + P.drainMs - nowMs());
  const [s, c] = await Promise.all([
    rig.server.call<{ published: number[]; cpuUs: number; wallMs: number; skipped: number; rssStart: number; rssEnd: number; rssMax: number; uncaught: number; lastUncaught: string }>('collect'),
    rig.client.call<{ count: number; bytes: number; p50: number; p99: number; cpuUs: number; wallMs: number; errors: number; lastError: string; stalledCount: number }>('collect'),
  ]);
  if (o.rate !== false) await rig.server.call('rate', { eventsPerSec: 0 });
  const expected = s.published.reduce((sum, n, t) => sum + n * fan[t]!, 0);
  const ratio = expected ? c.count / expected : 0;
  const clientCpu = c.cpuUs / (c.wallMs * 1000);
  // The open-loop publisher offered what was asked (a saturated server publishes less).
  const offered = s.published.reduce((a, b) => a + b, 0) / ((eventsPerSec(target, rig.fan) * windowMs) / 1000);
  const rssGrowth = s.rssEnd - s.rssStart;
  const r: Step = {
    label,
    target,
    delivered: c.count,
    expected,
    ratio,
    msgsPerSec: c.count / (windowMs / 1000),
    p50: c.p50,
    p99: c.p99,
    serverCpuUsPerMsg: c.count ? s.cpuUs / c.count : NaN,
    serverCpu: s.cpuUs / (s.wallMs * 1000),
    offered,
    clientCpu,
    clientSaturated: clientCpu >= P.clientSaturation,
    contended: offered < 0.97 && s.cpuUs / (s.wallMs * 1000) < 0.8,
    load1: os.loadavg()[0]!,
    rssGrowth,
    rssStart: s.rssStart,
    rssMax: s.rssMax,
    avgBytes: c.count ? c.bytes / c.count : 0,
    errors: c.errors,
    uncaught: s.uncaught,
    pass: ratio >= 0.999 && c.p99 < 50 && rssGrowth <= P.rssGrowthLimit && offered >= 0.97,
    stalledCount: c.stalledCount,
    published: s.published,
  };
  if (c.errors) log(`  ${rig.variant}: client saw ${c.errors} error(s): ${c.lastError}`);
  if (s.uncaught) log(`  ${rig.variant}: ${s.uncaught} uncaught error(s) in the server: ${s.lastUncaught}`);
  stepLog.push({ variant: rig.variant, ...r });
  log(
    `  ${rig.variant.padEnd(10)} ${label.padEnd(12)} target ${fmtInt(target).padStart(7)}/s  got ${fmtInt(r.msgsPerSec).padStart(7)}/s  ` +
      `offered ${(offered * 100).toFixed(0)}% deliv ${(ratio * 100).toFixed(2)}%  p50 ${fmtMs(r.p50)} p99 ${fmtMs(r.p99)}  srv ${(r.serverCpu * 100).toFixed(0)}% ${r.serverCpuUsPerMsg.toFixed(1)}µs/msg  ` +
      `cli ${(clientCpu * 100).toFixed(0)}%  rss+ ${fmtMiB(rssGrowth)}  load ${r.load1.toFixed(1)}  ${r.pass ? 'PASS' : 'fail'}${r.clientSaturated ? ' CLIENT-SATURATED' : ''}${r.contended ? ' CONTENDED' : ''}`,
  );
  if (o.rate !== false) {
    const idle = await rig.client.call<{ idle: boolean; waitedMs: number }>('idle', { quietMs: 300, maxMs: 15_000 }, 30_000);
    if (!idle.idle) log(`  ${rig.variant}: backlog still draining after 15 s`);
  }
  return r;
}

/**
 * Highest rate that passes: from the best passing `seeds` (steps already measured on this rig)
 * or `start`, climb by `factor` until a step fails (or descend until one passes), then refine
 * geometrically between the best pass and the lowest failure.
 */
async function search(rig: Rig, label: string, start: number, factor: number, refine: number, seeds: Step[] = []): Promise<{ best: Step | null; saturated: boolean }> {
  let best: Step | null = null;
  let failAt = Infinity;
  for (const s of seeds) {
    if (s.pass && (!best || s.target > best.target)) best = s;
    if (!s.pass) failAt = Math.min(failAt, s.target);
  }
  if (best && best.target >= failAt) best = null;
  let saturated = best?.clientSaturated ?? false;
  if (failAt === Infinity && !saturated) {
    // Climb (from the best seed, or from start).
    let rate = best ? best.target * factor : start;
    while (rate <= P.searchMax) {
      const s = await step(rig, label, Math.round(rate));
      if (!s.pass) {
        failAt = rate;
        break;
      }
      best = s;
      if (s.clientSaturated) {
        saturated = true;
        break;
      }
      rate *= factor;
    }
  }
  if (!best && failAt !== Infinity) {
    // Descend from the lowest failure.
    for (let rate = failAt / factor; rate >= 500; rate /= factor) {
      const s = await step(rig, label, Math.round(rate));
      if (s.pass) {
        best = s;
        break;
      }
      failAt = rate;
    }
  }
  for (let i = 0; i < refine && best && failAt !== Infinity && !saturated; i++) {
    if (failAt / best.target < 1.05) break;
    const mid = Math.sqrt(best.target * failAt);
    const s = await step(rig, label, Math.round(mid));
    if (s.pass) {
      best = s;
      if (s.clientSaturated) saturated = true;
    } else failAt = mid;
  }
  return { best, saturated };
}

// ---- workloads ----------------------------------------------------------------------------

interface W1Result {
  sustained: number;
  sustainedTarget: number;
  sustainedSaturated: boolean;
  cpuUsPerMsg: number;
  p50: number;
  p99: number;
  heapPerSub: number;
  rssPerSub: number;
  avgBytes: number;
  latencySaturated: boolean;
}
interface W2Result {
  sustained: number;
  sustainedTarget: number;
  sustainedSaturated: boolean;
}
interface W3Result {
  churnOpsPerSec: number;
  msgsPerSec: number;
  p99: number;
  heapGrowthPerOp: number;
  rssGrowth: number;
  errors: number;
  uncaught: number;
}
interface W4Result {
  baseP99: number;
  stallP99: number;
  ratio: number;
  rssGrowth: number;
  uncaught: number;
  stalled: number;
  closedByServer: number;
  closeCodes: number[];
  afterResumeMedian: number;
  publishedPerTypeDuringStall: number;
  healthyDelivered: number;
}

const stepLog: Array<Step & { variant: string }> = [];
const results = {
  W1: new Map<VariantName, W1Result[]>(),
  W2: new Map<VariantName, W2Result[]>(),
  W3: new Map<VariantName, W3Result>(),
  W4: new Map<VariantName, W4Result>(),
};
/** Per repetition: variant -> W1/W2 result, for ratios within one run. */
const perRep: Array<{ W1: Map<VariantName, W1Result>; W2: Map<VariantName, W2Result> }> = [];
const failures: string[] = [];

function push<K, V>(m: Map<K, V[]>, k: K, v: V) {
  const a = m.get(k) ?? [];
  a.push(v);
  m.set(k, a);
}

async function runW1(variant: VariantName, rep: number): Promise<W1Result> {
  const subs = layout('W1', P.subscribers);
  const heap = { before: 0, after: 0, rssBefore: 0, rssAfter: 0 };
  const rig = await startRig(variant, subs, heap);
  try {
    const fixed = await step(rig, 'W1@fixed', P.fixedRate);
    const cpuStep = fixed;
    const latStep = fixed;
    const prev = results.W1.get(variant)?.[0]?.sustainedTarget;
    const { best, saturated } =
      rep > 0 && prev
        ? await search(rig, 'W1 search', prev, P.searchFactorLater, 0)
        : await search(rig, 'W1 search', P.searchStart, P.searchFactor, P.searchRefine, [fixed]);
    return {
      sustained: best?.msgsPerSec ?? 0,
      sustainedTarget: best?.target ?? 0,
      sustainedSaturated: saturated,
      cpuUsPerMsg: cpuStep.serverCpuUsPerMsg,
      p50: latStep.p50,
      p99: latStep.p99,
      heapPerSub: (heap.after - heap.before) / subs.length,
      rssPerSub: (heap.rssAfter - heap.rssBefore) / subs.length,
      avgBytes: cpuStep.avgBytes,
      latencySaturated: latStep.clientSaturated,
    };
  } finally {
    await stopRig(rig);
  }
}

async function runW2(variant: VariantName, rep: number): Promise<W2Result> {
  const rig = await startRig(variant, layout('W2', P.subscribers));
  try {
    const prev = results.W2.get(variant)?.[0]?.sustainedTarget;
    // The first repetition starts from this repetition's W1 figure of the same variant.
    const w1 = perRep[rep]?.W1.get(variant)?.sustainedTarget;
    const { best, saturated } =
      rep > 0 && prev
        ? await search(rig, 'W2 search', prev, P.searchFactorLater, 0)
        : await search(rig, 'W2 search', w1 || P.searchStart, w1 ? 1.3 : P.searchFactor, P.searchRefine);
    return { sustained: best?.msgsPerSec ?? 0, sustainedTarget: best?.target ?? 0, sustainedSaturated: saturated };
  } finally {
    await stopRig(rig);
  }
}

async function runW3(variant: VariantName): Promise<W3Result> {
  const rig = await startRig(variant, layout('W1', P.subscribers));
  try {
    const h0 = await rig.server.call<{ heap: number }>('heap');
    await rig.server.call('rate', { eventsPerSec: eventsPerSec(P.churnRate, rig.fan) });
    const churn = rig.client.call<{ churnOps: number }>('churn', { opsPerSec: P.churnOpsPerSec, durationMs: P.warmupMs + P.churnMs + P.drainMs });
    const s = await step(rig, 'W3 churn', P.churnRate, { windowMs: P.churnMs, rate: false });
    const { churnOps } = await churn;
    await rig.server.call('rate', { eventsPerSec: 0 });
    await rig.client.call('idle', { quietMs: 300, maxMs: 10_000 });
    const h1 = await rig.server.call<{ heap: number; uncaught: number }>('heap');
    return {
      churnOpsPerSec: churnOps / ((P.warmupMs + P.churnMs + P.drainMs) / 1000),
      msgsPerSec: s.msgsPerSec,
      p99: s.p99,
      heapGrowthPerOp: churnOps ? (h1.heap - h0.heap) / churnOps : 0,
      rssGrowth: s.rssGrowth,
      errors: s.errors,
      uncaught: h1.uncaught,
    };
  } finally {
    await stopRig(rig);
  }
}

async function runW4(variant: VariantName): Promise<W4Result> {
  const subs = layout('W1', P.subscribers);
  const rig = await startRig(variant, subs);
  try {
    const base = await step(rig, 'W4 no-stall', P.w4Rate);
    const nStall = Math.max(1, Math.round(subs.length / 100));
    await rig.client.call('stall', { count: nStall });
    const stepIdx = Math.max(1, Math.floor(subs.length / nStall));
    const stalledIdx = new Set(Array.from({ length: nStall }, (_, k) => k * stepIdx));
    const healthyFan = fanout(subs, stalledIdx);
    // The stall lasts warmup + window + drain; healthy deliveries are checked against healthy fan-out.
    const stalled = await step(rig, 'W4 1% stall', P.w4Rate, { windowMs: P.stallMs, fan: healthyFan });
    await rig.client.call('resume');
    await sleep(1000);
    await rig.client.call('idle', { quietMs: 500, maxMs: 15_000 }, 30_000);
    const rep = await rig.client.call<{ stalled: number; closedByServer: number; closeCodes: number[]; afterResume: number[] }>('stalledReport');
    const h = await rig.server.call<{ uncaught: number }>('heap');
    const sorted = [...rep.afterResume].sort((a, b) => a - b);
    return {
      baseP99: base.p99,
      stallP99: stalled.p99,
      ratio: stalled.p99 / base.p99,
      rssGrowth: stalled.rssMax - stalled.rssStart,
      uncaught: h.uncaught,
      stalled: rep.stalled,
      closedByServer: rep.closedByServer,
      closeCodes: rep.closeCodes,
      afterResumeMedian: sorted[Math.floor(sorted.length / 2)] ?? 0,
      // The window counts P.stallMs; the stall also spans the warm-up and the drain.
      publishedPerTypeDuringStall: Math.round(
        ((stalled.published.reduce((a, b) => a + b, 0) / stalled.published.length) * (P.warmupMs + P.stallMs + P.drainMs)) / P.stallMs,
      ),
      healthyDelivered: stalled.ratio,
    };
  } finally {
    await stopRig(rig);
  }
}

// ---- main ---------------------------------------------------------------------------------

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
  for (const w of ['W3', 'W4'] as const) {
    if (!workloads.includes(w)) continue;
    for (const v of variants) {
      log(`${w} ${v}`);
      try {
        if (w === 'W3') results.W3.set(v, await runW3(v));
        else results.W4.set(v, await runW4(v));
      } catch (err) {
        failures.push(`${w} ${v}: ${(err as Error).message}`);
        log(`FAILED ${w} ${v}:`, err);
      }
    }
  }
  if (workloads.includes('DL')) {
    log('download: service downloader vs curl');
    try {
      dl = await runDownloadBench({ bytes: P.downloadBytes, reps: P.downloadReps, log });
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
}

// ---- report -------------------------------------------------------------------------------

const fmtInt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');
const fmtMs = (n: number) => (Number.isFinite(n) ? `${n < 10 ? n.toFixed(2) : n.toFixed(1)} ms` : '–');
const fmtMiB = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;
const fmtX = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}×` : '–');

function median(a: number[]): number {
  const s = a.filter((x) => Number.isFinite(x)).sort((x, y) => x - y);
  if (!s.length) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
/** "median [min–max]" (just the value for one sample). */
function mmm(a: number[], f: (n: number) => string): string {
  const s = a.filter((x) => Number.isFinite(x));
  if (!s.length) return '–';
  if (s.length === 1) return f(s[0]!);
  return `${f(median(s))} [${f(Math.min(...s))}–${f(Math.max(...s))}]`;
}
/** Ratios computed within each repetition (variant vs raw of the same run), then summarized. */
function repRatios(w: 'W1' | 'W2', v: VariantName, pick: (r: W1Result & W2Result) => number, diff = false): number[] {
  return perRep
    .map((rep) => {
      const a = rep[w].get(v) as (W1Result & W2Result) | undefined;
      const b = rep[w].get('raw') as (W1Result & W2Result) | undefined;
      if (!a || !b) return NaN;
      return diff ? pick(a) - pick(b) : pick(a) / pick(b);
    })
    .filter((x) => Number.isFinite(x));
}

function render(dl: DownloadResult | null, scan: ScanBenchResult | null, seconds: number): string {
  const cpus = os.cpus();
  const L: string[] = [];
  L.push('# Subscription & download benchmark results', '');
  L.push('```', `$ ${command}`, '```', '');
  L.push(`- Date: ${new Date().toISOString()}; wall time ${seconds.toFixed(0)} s`);
  L.push(`- Machine: ${cpus.length} × ${cpus[0]?.model ?? '?'}, ${fmtMiB(os.totalmem())} RAM, ${os.type()} ${os.release()}, Node ${process.version}`);
  const contended = stepLog.filter((s) => s.contended).length;
  L.push(`- Load average (1 min) during the steps: ${mmm(stepLog.map((s) => s.load1), (n) => n.toFixed(1))}; ${contended} of ${stepLog.length} steps contended (publisher behind while the server used < 80 % of its core: another process had core 0 — figures from such a run are not comparable).`);
  L.push(`- Pinning: ${CAN_PIN ? 'servers `taskset -c 0`, client harness `taskset -c 1`' : '**none** (taskset missing or < 2 cores)'}`);
  L.push(
    `- ${P.subscribers} subscribers, one subscription per WebSocket; ${P.reps} interleaved repetition(s) of W1/W2; windows ${P.windowMs} ms after ${P.warmupMs} ms warm-up, ${P.drainMs} ms drain.`,
    `- Sustained = highest delivered msgs/s with ≥ 99.9 % delivered, p99 < 50 ms and RSS growth ≤ ${fmtMiB(P.rssGrowthLimit)} within the window. ` +
      `A figure marked † was limited by the client harness (≥ ${P.clientSaturation * 100} % of its core): it is a lower bound, void as a ratio.`,
    `- Values: median [min–max] over repetitions; ratios vs raw \`ws\` are computed per repetition, then summarized.`,
    '',
  );
  const rawAvailable = variants.includes('raw');
  if (results.W1.size) {
    L.push('## W1 — subscribers over 4 progress types (1 type each)', '');
    L.push('| variant | sustained msgs/s | vs raw | server CPU µs/msg @ 10k/s | vs raw | p50 @ 10k/s | p99 @ 10k/s | p99 vs raw | heap/idle sub | vs raw | RSS/sub | bytes/msg |');
    L.push('|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const v of variants) {
      const r = results.W1.get(v);
      if (!r) continue;
      const sat = r.some((x) => x.sustainedSaturated) ? ' †' : '';
      L.push(
        `| ${v} | ${mmm(r.map((x) => x.sustained), fmtInt)}${sat} | ${rawAvailable ? mmm(repRatios('W1', v, (x) => x.sustained), fmtX) : '–'} ` +
          `| ${mmm(r.map((x) => x.cpuUsPerMsg), (n) => n.toFixed(1))} | ${rawAvailable ? mmm(repRatios('W1', v, (x) => x.cpuUsPerMsg), fmtX) : '–'} ` +
          `| ${mmm(r.map((x) => x.p50), fmtMs)} | ${mmm(r.map((x) => x.p99), fmtMs)}${r.some((x) => x.latencySaturated) ? ' †' : ''} | ${rawAvailable ? mmm(repRatios('W1', v, (x) => x.p99), fmtX) : '–'} ` +
          `| ${mmm(r.map((x) => x.heapPerSub), (n) => `${(n / 1024).toFixed(1)} KB`)} | ${rawAvailable ? mmm(repRatios('W1', v, (x) => x.heapPerSub, true), (n) => `${n >= 0 ? '+' : ''}${(n / 1024).toFixed(1)} KB`) : '–'} ` +
          `| ${mmm(r.map((x) => x.rssPerSub), (n) => `${(n / 1024).toFixed(1)} KB`)} | ${mmm(r.map((x) => x.avgBytes), (n) => n.toFixed(0))} |`,
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
    L.push(`## W4 — 1 % of the clients stop reading (${fmtInt(P.w4Rate)} msgs/s, stall window ${P.stallMs} ms, 1 run)`, '');
    L.push(
      'Stalled sockets are `pause()`d (TCP back-pressure). "after resume" = messages a stalled subscriber receives once it reads again ' +
        '(conflated would be ≤ the operations of its type, 10); "published/type" ≈ events of one type published while it was stalled. ' +
        'At these rates the backlog fits in the loopback socket buffers, so the server may never see back-pressure (see bench/README.md).',
      '',
    );
    L.push('| variant | healthy p99 (no stall) | healthy p99 (stall) | ratio | healthy delivered | RSS growth | uncaught | stalled closed by server | after resume (median) | published/type |');
    L.push('|---|---|---|---|---|---|---|---|---|---|');
    for (const v of variants) {
      const r = results.W4.get(v);
      if (!r) continue;
      L.push(
        `| ${v} | ${fmtMs(r.baseP99)} | ${fmtMs(r.stallP99)} | ${fmtX(r.ratio)} | ${(r.healthyDelivered * 100).toFixed(2)} % | ${fmtMiB(r.rssGrowth)} | ${r.uncaught} ` +
          `| ${r.closedByServer}/${r.stalled}${r.closeCodes.length ? ` (${r.closeCodes.join(',')})` : ''} | ${r.afterResumeMedian} | ${fmtInt(r.publishedPerTypeDuringStall)} |`,
      );
    }
    L.push('');
  }
  if (dl) {
    L.push(`## Download — one ${fmtMiB(dl.bytes)} file from a local HTTP server to disk (${dl.reps} interleaved run(s))`, '');
    L.push('| client | MB/s | vs curl | peak RSS | RSS at start |', '|---|---|---|---|---|');
    for (const row of dl.rows) {
      L.push(
        `| ${row.name} | ${mmm(row.mbps, (n) => n.toFixed(0))} | ${row.vsCurl ? mmm(row.vsCurl, fmtX) : '–'} | ${row.peakRss.length ? mmm(row.peakRss, fmtMiB) : '–'} | ${row.startRss ? mmm(row.startRss, fmtMiB) : '–'} |`,
      );
    }
    L.push('', ...dl.notes.map((n) => `- ${n}`), '');
  }
  if (scan) {
    L.push(`## Scan — ${fmtInt(scan.series)} series × ${scan.episodes} episode files against a local catalog`, '');
    L.push('| what | time | peak RSS | series/s |', '|---|---|---|---|');
    L.push(`| SeriesApp.rescan | ${(scan.ms / 1000).toFixed(2)} s | ${fmtMiB(scan.peakRss)} | ${fmtInt(scan.series / (scan.ms / 1000))} |`);
    L.push('', ...scan.notes.map((n) => `- ${n}`), '');
  }
  L.push(...targets(dl));
  if (failures.length) L.push('## Failures', '', ...failures.map((f) => `- ${f}`), '');
  L.push('<details><summary>Every measured step</summary>', '', '| variant | step | target/s | got/s | offered | delivered | p50 | p99 | server CPU | µs/msg | client CPU | RSS+ | load | pass |', '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const s of stepLog) {
    L.push(
      `| ${s.variant} | ${s.label} | ${fmtInt(s.target)} | ${fmtInt(s.msgsPerSec)} | ${(s.offered * 100).toFixed(0)} %${s.contended ? ' ‡' : ''} | ${(s.ratio * 100).toFixed(2)} % | ${fmtMs(s.p50)} | ${fmtMs(s.p99)} | ${(s.serverCpu * 100).toFixed(0)} % ` +
        `| ${s.serverCpuUsPerMsg.toFixed(1)} | ${(s.clientCpu * 100).toFixed(0)} %${s.clientSaturated ? ' †' : ''} | ${fmtMiB(s.rssGrowth)} | ${s.load1.toFixed(1)} | ${s.pass ? 'yes' : 'no'} |`,
    );
  }
  L.push('', '</details>', '');
  return L.join('\n');
}

function targets(dl: DownloadResult | null): string[] {
  const L = ['## Targets (this service vs raw `ws`, same run)', '', '| target | measured (median [min–max]) | met? |', '|---|---|---|'];
  const row = (name: string, vals: number[], ok: (m: number) => boolean, f: (n: number) => string, note = '') => {
    const m = median(vals);
    L.push(`| ${name} | ${mmm(vals, f)}${note} | ${Number.isFinite(m) ? (ok(m) ? 'met' : '**missed**') : 'not measured'} |`);
  };
  const sat = (w: 'W1' | 'W2') => ([...(results[w].get('raw') ?? []), ...(results[w].get('service') ?? [])] as Array<{ sustainedSaturated: boolean }>).some((x) => x.sustainedSaturated);
  const voidNote = (w: 'W1' | 'W2') => (sat(w) ? ' † client-saturated: void' : '');
  row('W1 sustained ≥ 0.9× raw', repRatios('W1', 'service', (x) => x.sustained), (m) => m >= 0.9, fmtX, voidNote('W1'));
  row('W2 sustained ≥ 0.75× raw', repRatios('W2', 'service', (x) => x.sustained), (m) => m >= 0.75, fmtX, voidNote('W2'));
  row('W1 server CPU/msg ≤ 1.15× raw', repRatios('W1', 'service', (x) => x.cpuUsPerMsg), (m) => m <= 1.15, fmtX);
  row('p99 @ 10k msgs/s ≤ 1.5× raw', repRatios('W1', 'service', (x) => x.p99), (m) => m <= 1.5, fmtX);
  row('heap per idle subscriber ≤ raw + 2 KB', repRatios('W1', 'service', (x) => x.heapPerSub, true), (m) => m <= 2048, (n) => `+${(n / 1024).toFixed(1)} KB`);
  const w4 = results.W4.get('service');
  if (w4) {
    row('W4 healthy p99 ≤ 1.5× no-stall p99', [w4.ratio], (m) => m <= 1.5, fmtX);
    row('W4 RSS growth ≤ 50 MB', [w4.rssGrowth], (m) => m <= 50e6, fmtMiB);
    row('W4 zero uncaught errors', [w4.uncaught], (m) => m === 0, String);
    row('W4 stalled subscribers closed after a stall timeout', [w4.closedByServer / Math.max(1, w4.stalled)], (m) => m >= 1, (n) => `${(n * 100).toFixed(0)} % closed`);
    row('W4 conflated on resume (≤ ops of its type)', [w4.afterResumeMedian], (m) => m <= 10, (n) => `${n} msgs`);
  }
  if (dl) {
    const svc = dl.rows.find((r) => r.name.startsWith('service'));
    if (svc?.vsCurl) row('Download ≥ 0.9× curl', svc.vsCurl, (m) => m >= 0.9, fmtX);
  }
  L.push('');
  return L;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
