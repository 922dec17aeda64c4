/** The runner's command line: workloads, variants, sizes (bench/README.md lists them). */
import path from 'node:path';
import { BENCH_DIR, FILE_LIMIT } from './child.js';

export const ALL_VARIANTS = ['raw', 'graphql-ws', 'yoga', 'mercurius', 'service', 'service-redis', 'service-redis-2'] as const;
export type VariantName = (typeof ALL_VARIANTS)[number];
export const ALL_WORKLOADS = ['W1', 'W2', 'W3', 'W4', 'W5', 'DL', 'SCAN'] as const;
/** Workloads that compare the service with raw `ws` only (the other variants add nothing to them). */
export const SERVICE_VS_RAW: ReadonlySet<VariantName> = new Set(['raw', 'service']);
/** W1 with Redis in the loop; the other workloads run the SQLite mode only. */
export const REDIS_VARIANTS: ReadonlySet<VariantName> = new Set(['service-redis', 'service-redis-2']);
type Workload = (typeof ALL_WORKLOADS)[number];

const argv = process.argv.slice(2);
export const flag = (name: string) => argv.includes(`--${name}`);
const opt = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const list = <T extends string>(name: string, all: readonly T[]): T[] => {
  const v = opt(name);
  if (!v) return [...all];
  const wanted = v.split(',').map((s) => s.trim());
  const bad = wanted.filter((w) => !all.includes(w as T));
  if (bad.length) throw new Error(`--${name}: unknown ${bad.join(', ')} (choose from ${all.join(', ')})`);
  return wanted as T[];
};

export const quick = flag('quick');

export const P = {
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
export const variants = list('variants', ALL_VARIANTS);
export const workloads = list('only', ALL_WORKLOADS);
export const DEFAULT_OUT = path.join(BENCH_DIR, 'RESULTS.md');
export const outFile = path.resolve(opt('out') ?? (quick ? path.join(BENCH_DIR, 'RESULTS.quick.md') : DEFAULT_OUT));
/** Only a full run (every workload and variant) to bench/RESULTS.md rewrites the README's table (or --readme). */
export const fullRun = !quick && !opt('only') && !opt('variants') && !opt('reps');
/** Printed at the top of RESULTS.md and of the README's table, e.g. --label="measured under load: not final". */
export const label = opt('label') ?? '';
/** The command line as given (without --label, printed on its own). */
const shownArgs = argv.filter((a) => !a.startsWith('--label='));
export const command = `npm run bench${shownArgs.length ? ' -- ' + shownArgs.join(' ') : ''}`;

export const log = (...a: unknown[]) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);
