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
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runDownloadBench, type DownloadResult } from './download.js';
import { startRedis, type RedisServer } from '../test/helpers/redis-server.js';
import { BENCH_DIR, CAN_PIN, Child, FILE_LIMIT, sleep } from './lib/child.js';
import { ClientPool } from './lib/client-pool.js';
import { kernelQueued, type QueuedStats } from './lib/queued.js';
import { README_BLOCK_END, README_BLOCK_START, README_PATH, updateReadme } from './readme-table.js';
import { BENCH_TYPES, type BenchType, nowMs, subscriptionDocument, subscriptionDocumentWithMissed } from './lib/shared.js';
import { runScanBench, type ScanBenchResult } from './scan.js';

// ---- options ------------------------------------------------------------------------------

const ALL_VARIANTS = ['raw', 'graphql-ws', 'yoga', 'mercurius', 'service', 'service-redis', 'service-redis-2'] as const;
type VariantName = (typeof ALL_VARIANTS)[number];
const ALL_WORKLOADS = ['W1', 'W2', 'W3', 'W4', 'W5', 'DL', 'SCAN'] as const;
/** Workloads that compare the service with raw `ws` only (the other variants add nothing to them). */
const SERVICE_VS_RAW: ReadonlySet<VariantName> = new Set(['raw', 'service']);
/** W1 with Redis in the loop; the other workloads run the SQLite mode only. */
const REDIS_VARIANTS: ReadonlySet<VariantName> = new Set(['service-redis', 'service-redis-2']);
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
  /** W1's second fixed rate for server CPU per message. */
  highRate: 40_000,
  w4Rate: 10_000,
  /**
   * W4: fewer subscribers than W1 so that each event reaches few sockets and a stalled
   * subscriber (subscribed to all 4 types) receives 1/50 of the events; with the padded title
   * (~8.6 KB a message) that is ~1.7 MB/s into a socket that does not read: past the kernel's
   * loopback buffers (~4 MB) within 3 s, past the socket's high water, then past the member's
   * queue (LIVE_QUEUE_CAPACITY frames) a few seconds later, where conflation starts.
   */
  w4Subscribers: Number(opt('w4-subscribers') ?? 200),
  w4PadBytes: 8192,
  /** Stalled subscribers that read again after w4ResumeAtMs, and ones that never read again. */
  w4Resumable: 2,
  w4Dead: 2,
  /** Bench-only fan-out limits passed to createApp (defaults: 1 MiB, 256 KiB, 30 s). */
  w4HighWater: 256 * 1024,
  w4LowWater: 64 * 1024,
  w4StallTimeoutMs: 10_000,
  stallMs: Number(opt('stall-ms') ?? 16_000),
  w4ResumeAtMs: 12_000,
  /** W5: as many idle subscribers as one process may hold sockets for, up to 20,000. */
  w5Subscribers: Math.min(Number(opt('w5-subscribers') ?? 20_000), FILE_LIMIT - 100),
  w5ClientProcs: 2,
  w5WindowMs: 5000,
  downloadSizesMiB: (opt('download-sizes') ?? opt('download-mib') ?? (quick ? '256' : '512,2048')).split(',').map(Number),
  downloadReps: Number(opt('download-reps') ?? (quick ? 1 : 2)),
  clientProcs: Number(opt('client-procs') ?? 1),
  scanSeries: Number(opt('scan-series') ?? (quick ? 1000 : 5000)),
};
const variants = list('variants', ALL_VARIANTS);
const workloads = list('only', ALL_WORKLOADS);
const DEFAULT_OUT = path.join(BENCH_DIR, 'RESULTS.md');
const outFile = path.resolve(opt('out') ?? (quick ? path.join(BENCH_DIR, 'RESULTS.quick.md') : DEFAULT_OUT));
/** Only a full run (every workload and variant) to bench/RESULTS.md rewrites the README's table (or --readme). */
const fullRun = !quick && !opt('only') && !opt('variants') && !opt('reps');
/** Printed at the top of RESULTS.md and of the README's table, e.g. --label="measured under load: not final". */
const label = opt('label') ?? '';
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
  /** Server CPU over the window / delivered (every server process of the variant summed). */
  serverCpuUsPerMsg: number;
  serverCpu: number;
  /** redis-server's own CPU over the window / delivered (NaN without Redis). */
  redisCpuUsPerMsg: number;
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
  /** servers[0] publishes; a second instance (service-redis-2) only serves its subscribers. */
  servers: Child[];
  client: ClientPool;
  subs: Sub[];
  fan: number[];
  urls: string[];
  redis: RedisServer | null;
  /** Time from the first connect until every subscription was served (when the server tells). */
  subscribeMs: number;
}

interface HeapProbe {
  before: number;
  after: number;
  rssBefore: number;
  rssAfter: number;
}

interface RigOptions {
  heap?: HeapProbe;
  clientProcs?: number;
  /** Extra environment of the server processes (bench-only settings). */
  env?: Record<string, string>;
  /** Unmeasured warm-up traffic after connecting (default on). */
  warm?: boolean;
}

/** The processes of a variant: the script each runs and its environment. */
function serverSpecs(variant: VariantName, redisUrl: string | null): Array<{ script: string; env: Record<string, string> }> {
  const script = (name: string) => path.join(BENCH_DIR, 'servers', `${name}.ts`);
  if (variant === 'service-redis') return [{ script: script('service'), env: { BENCH_REDIS_URL: redisUrl! } }];
  if (variant === 'service-redis-2') {
    return [
      { script: script('service'), env: { BENCH_REDIS_URL: redisUrl! } },
      { script: script('service'), env: { BENCH_REDIS_URL: redisUrl!, BENCH_PUBLISHER: '0' } },
    ];
  }
  return [{ script: script(variant), env: {} }];
}

async function startRig(variant: VariantName, subs: Sub[], o: RigOptions = {}): Promise<Rig> {
  let redis: RedisServer | null = null;
  if (REDIS_VARIANTS.has(variant)) {
    // A redis-server of its own (temp dir, appendonly, fsync every second as in production), on the servers' core.
    redis = await startRedis(['--appendfsync', 'everysec']);
    if (CAN_PIN && redis.process?.pid) spawnSync('taskset', ['-p', '-c', '0', String(redis.process.pid)]);
  }
  const servers = serverSpecs(variant, redis?.url ?? null).map((s, i) => new Child(`server:${variant}${i ? `#${i + 1}` : ''}`, s.script, 0, { ...s.env, ...o.env }));
  const client = new ClientPool(o.clientProcs ?? P.clientProcs);
  const heapAll = async () => {
    const h = await Promise.all(servers.map((s) => s.call<{ heap: number; rss: number }>('heap')));
    return { heap: h.reduce((a, x) => a + x.heap, 0), rss: h.reduce((a, x) => a + x.rss, 0) };
  };
  try {
    await Promise.all([...servers.map((s) => s.ready), client.ready]);
    const urls: string[] = [];
    for (const s of servers) urls.push((await s.call<{ url: string }>('start')).url);
    if (o.heap) {
      const h = await heapAll();
      o.heap.before = h.heap;
      o.heap.rssBefore = h.rss;
    }
    const began = nowMs();
    await client.connect(urls, subs, 50);
    // graphql-ws does not acknowledge a subscribe: ask the servers until they serve them all.
    let subscribeMs = NaN;
    for (let i = 0; i < 600; i++) {
      const n = (await Promise.all(servers.map((s) => s.call<{ subscribers: number }>('subscribers')))).map((r) => r.subscribers);
      if (n.some((x) => x < 0)) break;
      if (n.reduce((a, b) => a + b, 0) >= subs.length) {
        subscribeMs = nowMs() - began;
        break;
      }
      await sleep(50);
    }
    await sleep(500);
    if (o.heap) {
      const h = await heapAll();
      o.heap.after = h.heap;
      o.heap.rssAfter = h.rss;
    }
    const rig: Rig = { variant, servers, client, subs, fan: fanout(subs), urls, redis, subscribeMs };
    if (o.warm !== false) {
      // Unmeasured warm-up (JIT, buffers, heap growth) before the first measured window.
      await rig.servers[0]!.call('rate', { eventsPerSec: eventsPerSec(P.warmRate, rig.fan) });
      await sleep(P.rigWarmupMs);
      await rig.servers[0]!.call('rate', { eventsPerSec: 0 });
      await client.idle(300, 10_000);
    }
    return rig;
  } catch (err) {
    await Promise.all([...servers.map((s) => s.stop()), client.stop()]);
    await redis?.dispose();
    throw err;
  }
}

async function stopRig(rig: Rig): Promise<void> {
  await Promise.all([rig.client.stop(), ...rig.servers.map((s) => s.stop())]);
  await rig.redis?.dispose();
}

const eventsPerSec = (delivered: number, fan: number[]) => (delivered * fan.length) / fan.reduce((a, b) => a + b, 0);

/** CPU time (µs) a process used so far, from /proc (NaN when unreadable). */
function procCpuUs(pid: number | undefined): number {
  try {
    // Fields after the command name: state is field 3; utime and stime are fields 14 and 15.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1e6) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

interface ServerCollect {
  published: number[];
  cpuUs: number;
  wallMs: number;
  skipped: number;
  rssStart: number;
  rssEnd: number;
  rssMax: number;
  uncaught: number;
  lastUncaught: string;
}

async function step(rig: Rig, label: string, target: number, o: { windowMs?: number; fan?: number[]; rate?: boolean } = {}): Promise<Step> {
  const windowMs = o.windowMs ?? P.windowMs;
  const fan = o.fan ?? rig.fan;
  const publisher = rig.servers[0]!;
  if (o.rate !== false) await publisher.call('rate', { eventsPerSec: eventsPerSec(target, rig.fan) });
  const start = nowMs() + P.warmupMs;
  const end = start + windowMs;
  const redisPid = rig.redis?.process?.pid;
  const redisCpu = { start: NaN, end: NaN };
  if (redisPid) {
    setTimeout(() => (redisCpu.start = procCpuUs(redisPid)), start - nowMs());
    setTimeout(() => (redisCpu.end = procCpuUs(redisPid)), end - nowMs());
  }
  await Promise.all([...rig.servers.map((s) => s.call('arm', { start, end })), rig.client.arm(start, end)]);
  await sleep(end + P.drainMs - nowMs());
  const [all, c] = await Promise.all([Promise.all(rig.servers.map((s) => s.call<ServerCollect>('collect'))), rig.client.collect()]);
  if (o.rate !== false) await publisher.call('rate', { eventsPerSec: 0 });
  const s = all[0]!;
  const cpuUs = all.reduce((a, x) => a + x.cpuUs, 0);
  const uncaught = all.reduce((a, x) => a + x.uncaught, 0);
  const expected = s.published.reduce((sum, n, t) => sum + n * fan[t]!, 0);
  const ratio = expected ? c.count / expected : 0;
  const clientCpu = c.cpuUs / (c.wallMs * 1000);
  // The open-loop publisher offered what was asked (a saturated server publishes less).
  const offered = s.published.reduce((a, b) => a + b, 0) / ((eventsPerSec(target, rig.fan) * windowMs) / 1000);
  const rssGrowth = all.reduce((a, x) => a + x.rssEnd - x.rssStart, 0);
  // The share of one core the servers used (several instances share core 0).
  const serverCpu = cpuUs / (s.wallMs * 1000);
  const r: Step = {
    label,
    target,
    delivered: c.count,
    expected,
    ratio,
    msgsPerSec: c.count / (windowMs / 1000),
    p50: c.p50,
    p99: c.p99,
    serverCpuUsPerMsg: c.count ? cpuUs / c.count : NaN,
    serverCpu,
    redisCpuUsPerMsg: c.count ? (redisCpu.end - redisCpu.start) / c.count : NaN,
    offered,
    clientCpu,
    clientSaturated: clientCpu >= P.clientSaturation,
    contended: offered < 0.97 && serverCpu < 0.8,
    load1: os.loadavg()[0]!,
    rssGrowth,
    rssStart: s.rssStart,
    rssMax: s.rssMax,
    avgBytes: c.count ? c.bytes / c.count : 0,
    errors: c.errors,
    uncaught,
    pass: ratio >= 0.999 && c.p99 < 50 && rssGrowth <= P.rssGrowthLimit && offered >= 0.97,
    stalledCount: c.stalledCount,
    published: s.published,
  };
  if (c.errors) log(`  ${rig.variant}: client saw ${c.errors} error(s): ${c.lastError}`);
  if (uncaught) log(`  ${rig.variant}: ${uncaught} uncaught error(s) in the server: ${all.map((x) => x.lastUncaught).join(' | ')}`);
  stepLog.push({ variant: rig.variant, ...r });
  log(
    `  ${rig.variant.padEnd(10)} ${label.padEnd(12)} target ${fmtInt(target).padStart(7)}/s  got ${fmtInt(r.msgsPerSec).padStart(7)}/s  ` +
      `offered ${(offered * 100).toFixed(0)}% deliv ${(ratio * 100).toFixed(2)}%  p50 ${fmtMs(r.p50)} p99 ${fmtMs(r.p99)}  srv ${(r.serverCpu * 100).toFixed(0)}% ${r.serverCpuUsPerMsg.toFixed(1)}µs/msg  ` +
      `${redisPid ? `redis ${r.redisCpuUsPerMsg.toFixed(1)}µs/msg  ` : ''}cli ${(clientCpu * 100).toFixed(0)}%  rss+ ${fmtMiB(rssGrowth)}  load ${r.load1.toFixed(1)}  ${r.pass ? 'PASS' : 'fail'}${r.clientSaturated ? ' CLIENT-SATURATED' : ''}${r.contended ? ' CONTENDED' : ''}`,
  );
  if (o.rate !== false && !(await rig.client.idle(300, 15_000))) log(`  ${rig.variant}: backlog still draining after 15 s`);
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
  /** Server CPU per message at P.highRate (NaN when that step did not pass: the figure is then not comparable). */
  cpuUsPerMsgHigh: number;
  highPass: boolean;
  /** redis-server's CPU per message at 10k msgs/s (Redis variants). */
  redisCpuUsPerMsg: number;
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
  subscribers: number;
  baseP99: number;
  stallP99: number;
  ratio: number;
  healthyDelivered: number;
  rssGrowth: number;
  uncaught: number;
  /** Most bytes the server process held for its sockets (sum of bufferedAmount) during the stall. */
  queuedService: number;
  queuedServicePerSocket: number;
  /** Most bytes the kernel held on these connections (server Send-Q + client Recv-Q). */
  queuedKernel: number;
  queuedKernelPerSocket: number;
  queuedAfter: number;
  /** The service's drop counter (/metrics) by reason: conflated, overflow, disconnected. */
  dropped: Record<string, number>;
  stallMs: number;
  publishedWhileStalled: number;
  resumable: { n: number; closed: number; missedFrames: number; accounted: number; received: number; missed: number };
  /** Close codes the server sent, counted. */
  closesSent: Record<string, number>;
  dead: { n: number; closed: number; codes: number[]; closedAfterMs: number };
  healthyClosed: number;
}

const stepLog: Array<Step & { variant: string }> = [];
const results = {
  W1: new Map<VariantName, W1Result[]>(),
  W2: new Map<VariantName, W2Result[]>(),
  W3: new Map<VariantName, W3Result>(),
  W4: new Map<VariantName, W4Result>(),
  W5: new Map<VariantName, W5Result>(),
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
  const rig = await startRig(variant, subs, { heap });
  try {
    const fixed = await step(rig, 'W1@10k', P.fixedRate);
    const high = await step(rig, 'W1@40k', P.highRate);
    const cpuStep = fixed;
    const latStep = fixed;
    const prev = results.W1.get(variant)?.[0]?.sustainedTarget;
    // The Redis variants are measured for CPU per message (issue 10's target), not for the highest rate.
    const { best, saturated } = REDIS_VARIANTS.has(variant)
      ? { best: null, saturated: false }
      : rep > 0 && prev
        ? await search(rig, 'W1 search', prev, P.searchFactorLater, 0)
        : await search(rig, 'W1 search', P.searchStart, P.searchFactor, P.searchRefine, [fixed, high].filter((x) => x.pass));
    return {
      sustained: best?.msgsPerSec ?? NaN,
      sustainedTarget: best?.target ?? 0,
      sustainedSaturated: saturated,
      cpuUsPerMsg: cpuStep.serverCpuUsPerMsg,
      cpuUsPerMsgHigh: high.serverCpuUsPerMsg,
      highPass: high.pass,
      redisCpuUsPerMsg: fixed.redisCpuUsPerMsg,
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
    const h0 = await rig.servers[0]!.call<{ heap: number }>('heap');
    await rig.servers[0]!.call('rate', { eventsPerSec: eventsPerSec(P.churnRate, rig.fan) });
    const churn = rig.client.churn(P.churnOpsPerSec, P.warmupMs + P.churnMs + P.drainMs);
    const s = await step(rig, 'W3 churn', P.churnRate, { windowMs: P.churnMs, rate: false });
    const churnOps = await churn;
    await rig.servers[0]!.call('rate', { eventsPerSec: 0 });
    await rig.client.idle(300, 10_000);
    const h1 = await rig.servers[0]!.call<{ heap: number; uncaught: number }>('heap');
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
  const n = P.w4Subscribers;
  const resumable = Array.from({ length: P.w4Resumable }, (_, i) => i);
  const dead = Array.from({ length: P.w4Dead }, (_, i) => P.w4Resumable + i);
  const stalledIdx = new Set([...resumable, ...dead]);
  const query = variant === 'service' ? subscriptionDocumentWithMissed() : subscriptionDocument();
  // The stalled subscribers take every type (4× the messages of the others).
  const subs: Sub[] = Array.from({ length: n }, (_, i) => ({ query, variables: { types: stalledIdx.has(i) ? [...BENCH_TYPES] : [BENCH_TYPES[i % 4]!] } }));
  const rig = await startRig(variant, subs, {
    env: {
      BENCH_TITLE_PAD: String(P.w4PadBytes),
      BENCH_FANOUT_HIGH_WATER: String(P.w4HighWater),
      BENCH_FANOUT_LOW_WATER: String(P.w4LowWater),
      BENCH_FANOUT_STALL_MS: String(P.w4StallTimeoutMs),
    },
  });
  const server = rig.servers[0]!;
  const port = Number(new URL(rig.urls[0]!).port);
  try {
    const base = await step(rig, 'W4 no-stall', P.w4Rate, { windowMs: P.stallMs });
    const seqAtStall = (await server.call<{ seq: number }>('seq')).seq;
    await Promise.all([rig.client.stall(resumable, true), rig.client.stall(dead, false)]);
    const stallBegan = nowMs();
    // Where the backlog sits, sampled through the stall.
    const queued = { service: 0, servicePerSocket: 0, kernel: 0, kernelPerSocket: 0, atResume: 0 };
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const q = await server.call<QueuedStats>('queued');
        const k = kernelQueued(port);
        queued.service = Math.max(queued.service, q.bytes);
        queued.servicePerSocket = Math.max(queued.servicePerSocket, q.max);
        if (k) {
          queued.kernel = Math.max(queued.kernel, k.bytes);
          queued.kernelPerSocket = Math.max(queued.kernelPerSocket, k.max);
        }
        await sleep(250);
      }
    })();
    const resumeTimer = setTimeout(() => {
      queued.atResume = queued.service;
      void rig.client.resume();
    }, P.w4ResumeAtMs);
    const stalled = await step(rig, 'W4 stall', P.w4Rate, { windowMs: P.stallMs, fan: fanout(subs, stalledIdx) });
    clearTimeout(resumeTimer);
    const stallMs = nowMs() - stallBegan;
    const seqAtEnd = (await server.call<{ seq: number }>('seq')).seq;
    await rig.client.idle(500, 15_000);
    // The ones that never read are closed a stall timeout after their socket filled: wait for the server to send
    // that close (bounded; they cannot see it without reading), then let them read to see their connection end.
    let q = await server.call<QueuedStats>('queued');
    while ((q.closesSent['1008'] ?? 0) < P.w4Dead && nowMs() - stallBegan < P.stallMs + P.w4StallTimeoutMs + 5_000) {
      await sleep(250);
      q = await server.call<QueuedStats>('queued');
    }
    sampling = false;
    await sampler;
    await rig.client.resume(true);
    await rig.client.idle(500, 10_000);
    const rep = await rig.client.stalledReport();
    const after = await server.call<QueuedStats>('queued');
    const { dropped } = await server.call<{ dropped: Record<string, number> }>('dropped');
    const h = await server.call<{ uncaught: number }>('heap');
    const med = (a: number[]) => median(a);
    const publishedWhileStalled = seqAtEnd - seqAtStall;
    return {
      subscribers: n,
      baseP99: base.p99,
      stallP99: stalled.p99,
      ratio: stalled.p99 / base.p99,
      healthyDelivered: stalled.ratio,
      rssGrowth: stalled.rssMax - stalled.rssStart,
      uncaught: h.uncaught,
      queuedService: queued.service,
      queuedServicePerSocket: queued.servicePerSocket,
      queuedKernel: queued.kernel,
      queuedKernelPerSocket: queued.kernelPerSocket,
      queuedAfter: after.bytes,
      dropped,
      stallMs,
      publishedWhileStalled,
      resumable: {
        n: rep.resumable.stalled,
        closed: rep.resumable.closedByServer,
        missedFrames: med(rep.resumable.missedFrames),
        // What it received since it stopped reading plus what it was told it missed, over what was published meanwhile.
        accounted: med(rep.resumable.sinceStall.map((r, i) => (r + rep.resumable.missedSum[i]!) / publishedWhileStalled)),
        received: med(rep.resumable.sinceStall),
        missed: med(rep.resumable.missedSum),
      },
      closesSent: after.closesSent,
      dead: {
        n: rep.dead.stalled,
        closed: rep.dead.closedByServer,
        codes: rep.dead.closeCodes,
        closedAfterMs: med(rep.dead.closedAfterMs),
      },
      healthyClosed: rep.healthyClosed,
    };
  } finally {
    await stopRig(rig);
  }
}

interface W5Result {
  subscribers: number;
  subscribeMs: number;
  rssPerSub: number;
  heapPerSub: number;
  p50: number;
  p99: number;
  delivered: number;
  clientSaturated: boolean;
  pass: boolean;
}

async function runW5(variant: VariantName): Promise<W5Result> {
  const subs = layout('W1', P.w5Subscribers);
  const heap = { before: 0, after: 0, rssBefore: 0, rssAfter: 0 };
  const rig = await startRig(variant, subs, { heap, clientProcs: P.w5ClientProcs });
  try {
    log(`  ${variant}: ${fmtInt(subs.length)} subscribed in ${(rig.subscribeMs / 1000).toFixed(1)} s`);
    const s = await step(rig, 'W5@10k', P.fixedRate, { windowMs: P.w5WindowMs });
    return {
      subscribers: subs.length,
      subscribeMs: rig.subscribeMs,
      rssPerSub: (heap.rssAfter - heap.rssBefore) / subs.length,
      heapPerSub: (heap.after - heap.before) / subs.length,
      p50: s.p50,
      p99: s.p99,
      delivered: s.ratio,
      clientSaturated: s.clientSaturated,
      pass: s.pass,
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
        `"@ 40k" is void (–) where that step did not pass (the server could not publish or deliver 40k msgs/s).`,
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
          `| ${mmm(r.map((x) => x.heapPerSub), fmtKB)} | ${vsRaw(v, (x) => x.heapPerSub, fmtPlusKB, true)} ` +
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
  L.push('<details><summary>Every measured step</summary>', '', '| variant | step | target/s | got/s | offered | delivered | p50 | p99 | server CPU | µs/msg | redis µs/msg | client CPU | RSS+ | load | pass |', '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const s of stepLog) {
    L.push(
      `| ${s.variant} | ${s.label} | ${fmtInt(s.target)} | ${fmtInt(s.msgsPerSec)} | ${(s.offered * 100).toFixed(0)} %${s.contended ? ' ‡' : ''} | ${(s.ratio * 100).toFixed(2)} % | ${fmtMs(s.p50)} | ${fmtMs(s.p99)} | ${(s.serverCpu * 100).toFixed(0)} % ` +
        `| ${s.serverCpuUsPerMsg.toFixed(1)} | ${Number.isFinite(s.redisCpuUsPerMsg) ? s.redisCpuUsPerMsg.toFixed(1) : '–'} | ${(s.clientCpu * 100).toFixed(0)} %${s.clientSaturated ? ' †' : ''} | ${fmtMiB(s.rssGrowth)} | ${s.load1.toFixed(1)} | ${s.pass ? 'yes' : 'no'} |`,
    );
  }
  L.push('', '</details>', '');
  return L.join('\n');
}

const fmt1 = (n: number) => n.toFixed(1);
const fmtKB = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const fmtKiB = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
const fmtPlusKB = (n: number) => `${n >= 0 ? '+' : ''}${(n / 1024).toFixed(1)} KB`;
/** CPU per message at 40k, only where that step passed. */
const high = (x: W1Result) => (x.highPass ? x.cpuUsPerMsgHigh : NaN);

function loadNote(): string {
  return mmm(stepLog.map((s) => s.load1), (n) => n.toFixed(1));
}

/** Ratios of variant a to variant b within each repetition of W1. */
function pairRatios(a: VariantName, b: VariantName, pick: (r: W1Result) => number): number[] {
  return perRep
    .map((rep) => {
      const x = rep.W1.get(a);
      const y = rep.W1.get(b);
      return x && y ? pick(x) / pick(y) : NaN;
    })
    .filter((n) => Number.isFinite(n));
}

/** The targets table: one row per target of issues 13 and 10, met / missed with the measured value. */
function targets(dl: DownloadResult | null): string[] {
  const L = ['| issue | target | measured (median [min–max]) | met? |', '|---|---|---|---|'];
  const row = (issue: number, name: string, vals: number[], ok: ((m: number) => boolean) | null, f: (n: number) => string, note = '') => {
    const m = median(vals);
    const verdict = !Number.isFinite(m) ? 'not measured' : ok === null ? 'reported' : ok(m) ? 'met' : '**missed**';
    L.push(`| ${issue} | ${name} | ${mmm(vals, f)}${note} | ${note.includes('void') ? 'void (client-bound)' : verdict} |`);
  };
  const sat = (w: 'W1' | 'W2') => ([...(results[w].get('raw') ?? []), ...(results[w].get('service') ?? [])] as Array<{ sustainedSaturated: boolean }>).some((x) => x.sustainedSaturated);
  const voidNote = (w: 'W1' | 'W2') => (sat(w) ? ' † client-saturated: void' : '');
  const highNote = (results.W1.get('service') ?? []).some((x) => !x.highPass) || (results.W1.get('raw') ?? []).some((x) => !x.highPass) ? ' (a 40k step failed: that repetition is left out)' : '';
  row(13, 'W1 server CPU/msg @ 10k msgs/s ≤ 1.10× raw', repRatios('W1', 'service', (x) => x.cpuUsPerMsg), (m) => m <= 1.1, fmtX);
  row(13, 'W1 server CPU/msg @ 40k msgs/s ≤ 1.10× raw', repRatios('W1', 'service', (x) => high(x)), (m) => m <= 1.1, fmtX, highNote);
  row(13, 'W1 sustained ≥ 0.9× raw', repRatios('W1', 'service', (x) => x.sustained), (m) => m >= 0.9, fmtX, voidNote('W1'));
  row(13, 'W1 p99 @ 10k msgs/s ≤ 1.5× raw', repRatios('W1', 'service', (x) => x.p99), (m) => m <= 1.5, fmtX);
  row(13, 'W1 heap per idle subscriber ≤ raw + 3 KB', repRatios('W1', 'service', (x) => x.heapPerSub, true), (m) => m <= 3072, fmtPlusKB);
  row(4, 'W2 sustained ≥ 0.75× raw', repRatios('W2', 'service', (x) => x.sustained), (m) => m >= 0.75, fmtX, voidNote('W2'));
  const w5s = results.W5.get('service');
  const w5r = results.W5.get('raw');
  if (w5s && w5r) {
    row(13, `W5 p99 @ 10k msgs/s with ${fmtInt(w5s.subscribers)} subscribers ≤ 1.5× raw`, [w5s.p99 / w5r.p99], (m) => m <= 1.5, fmtX, ` (${fmtMs(w5s.p99)} vs ${fmtMs(w5r.p99)})`);
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
    row(13, 'W4 healthy p99 during the stall ≤ 1.2× no-stall', [w4.ratio], (m) => m <= 1.2, fmtX, ` (${fmtMs(w4.stallP99)} vs ${fmtMs(w4.baseP99)})`);
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
    if (!vals.length) continue;
    row(10, `${v === 'service-redis' ? 'Redis, one instance' : 'Redis, two instances (CPU summed)'}: server CPU/msg ≤ 1.3× SQLite mode`, vals, (m) => m <= 1.3, fmtX, `; redis-server's own ${mmm(redis, fmt1)} µs/msg not included`);
  }
  row(10, 'SQLite mode no slower than before issue 10 (CPU/msg vs raw ≤ 1.23×, issue 13\'s figure)', repRatios('W1', 'service', (x) => x.cpuUsPerMsg), (m) => m <= 1.23, fmtX);
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

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
