/** Subscriber layouts, a rig (server processes, redis-server, client processes) and one measured step. */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startRedis, type RedisServer } from '../../test/helpers/redis-server.js';
import { BENCH_DIR, CAN_PIN, Child, sleep } from './child.js';
import { ClientPool } from './client-pool.js';
import { P, REDIS_VARIANTS, log, type VariantName } from './options.js';
import { fmtInt, fmtMiB, fmtMs, stepLog, type Step } from './results.js';
import { BENCH_TYPES, type BenchType, nowMs, subscriptionDocument } from './shared.js';

// ---- subscriber layouts -------------------------------------------------------------------

export interface Sub {
  query: string;
  variables: { types: BenchType[] };
  /** Connected, subscribed only when it is stalled (W4). */
  deferred?: boolean;
}
/** Type sets of W2: the 4 singles and the 6 pairs (10 variable sets x 10 document names = 100 groups). */
const TYPE_SETS: BenchType[][] = [
  ...BENCH_TYPES.map((t) => [t]),
  ...BENCH_TYPES.flatMap((a, i) => BENCH_TYPES.slice(i + 1).map((b) => [a, b])),
];

export function layout(kind: 'W1' | 'W2', n: number): Sub[] {
  return Array.from({ length: n }, (_, i) => {
    if (kind === 'W1') return { query: subscriptionDocument(), variables: { types: [BENCH_TYPES[i % 4]!] } };
    const g = i % 100;
    return { query: subscriptionDocument(`Progress${g % 10}`), variables: { types: TYPE_SETS[Math.floor(g / 10)]! } };
  });
}

/** Subscribers that receive an event of each type. */
export function fanout(subs: Sub[], exclude: ReadonlySet<number> = new Set()): number[] {
  return BENCH_TYPES.map((t) => subs.filter((s, i) => !s.deferred && !exclude.has(i) && s.variables.types.includes(t)).length);
}


export interface Rig {
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

export interface HeapProbe {
  before: number;
  after: number;
  rssBefore: number;
  rssAfter: number;
}

export interface RigOptions {
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

export async function startRig(variant: VariantName, subs: Sub[], o: RigOptions = {}): Promise<Rig> {
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
      if (n.reduce((a, b) => a + b, 0) >= subs.filter((s) => !s.deferred).length) {
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

export async function stopRig(rig: Rig): Promise<void> {
  await Promise.all([rig.client.stop(), ...rig.servers.map((s) => s.stop())]);
  await rig.redis?.dispose();
}

export const eventsPerSec = (delivered: number, fan: number[]) => (delivered * fan.length) / fan.reduce((a, b) => a + b, 0);

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

export async function step(rig: Rig, label: string, target: number, o: { windowMs?: number; fan?: number[]; rate?: boolean } = {}): Promise<Step> {
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
    clientCpuUsPerMsg: c.count ? c.cpuUs / c.count : NaN,
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
export async function search(rig: Rig, label: string, start: number, factor: number, refine: number, seeds: Step[] = []): Promise<{ best: Step | null; saturated: boolean }> {
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

