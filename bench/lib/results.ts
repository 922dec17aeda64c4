/** What the workloads measured (kept for the report), and the helpers that summarize it. */
import type { VariantName } from './options.js';

export interface Step {
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
  /** The client processes' CPU per delivered message (what the harness costs). */
  clientCpuUsPerMsg: number;
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

export interface W1Result {
  sustained: number;
  sustainedTarget: number;
  sustainedSaturated: boolean;
  cpuUsPerMsg: number;
  /** Server CPU per message at P.highRate (NaN when that step did not pass: the figure is then not comparable). */
  cpuUsPerMsgHigh: number;
  highPass: boolean;
  /** A step of this rig ran while another process had core 0 (Step.contended): its ratios are left out. */
  contended: boolean;
  /** redis-server's CPU per message at 10k msgs/s (Redis variants). */
  redisCpuUsPerMsg: number;
  p50: number;
  p99: number;
  heapPerSub: number;
  rssPerSub: number;
  avgBytes: number;
  latencySaturated: boolean;
}
export interface W2Result {
  sustained: number;
  sustainedTarget: number;
  sustainedSaturated: boolean;
}
export interface W3Result {
  churnOpsPerSec: number;
  msgsPerSec: number;
  p99: number;
  heapGrowthPerOp: number;
  rssGrowth: number;
  errors: number;
  uncaught: number;
}
export interface W4Result {
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
  contended: boolean;
}

export interface W5Result {
  subscribers: number;
  subscribeMs: number;
  rssPerSub: number;
  heapPerSub: number;
  p50: number;
  p99: number;
  delivered: number;
  clientSaturated: boolean;
  pass: boolean;
  contended: boolean;
}


export const stepLog: Array<Step & { variant: string }> = [];
export const results = {
  W1: new Map<VariantName, W1Result[]>(),
  W2: new Map<VariantName, W2Result[]>(),
  W3: new Map<VariantName, W3Result>(),
  W4: new Map<VariantName, W4Result>(),
  W5: new Map<VariantName, W5Result>(),
};
/** Per repetition: variant -> W1/W2 result, for ratios within one run. */
export const perRep: Array<{ W1: Map<VariantName, W1Result>; W2: Map<VariantName, W2Result> }> = [];
export const failures: string[] = [];

export function push<K, V>(m: Map<K, V[]>, k: K, v: V) {
  const a = m.get(k) ?? [];
  a.push(v);
  m.set(k, a);
}
export const fmtInt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');
export const fmtMs = (n: number) => (Number.isFinite(n) ? `${n < 10 ? n.toFixed(2) : n.toFixed(1)} ms` : '–');
export const fmtMiB = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;
export const fmtX = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}×` : '–');

export function median(a: number[]): number {
  const s = a.filter((x) => Number.isFinite(x)).sort((x, y) => x - y);
  if (!s.length) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
/** "median [min–max]" (just the value for one sample). */
export function mmm(a: number[], f: (n: number) => string): string {
  const s = a.filter((x) => Number.isFinite(x));
  if (!s.length) return '–';
  if (s.length === 1) return f(s[0]!);
  return `${f(median(s))} [${f(Math.min(...s))}–${f(Math.max(...s))}]`;
}
/** Ratios computed within each repetition (variant vs raw of the same run), then summarized. */
/** `cpuFree`: a figure that CPU contention does not change (heap): contended repetitions count too. */
export function repRatios(w: 'W1' | 'W2', v: VariantName, pick: (r: W1Result & W2Result) => number, diff = false, cpuFree = false): number[] {
  return perRep
    .map((rep) => {
      const a = rep[w].get(v) as (W1Result & W2Result) | undefined;
      const b = rep[w].get('raw') as (W1Result & W2Result) | undefined;
      if (!a || !b || (!cpuFree && (a.contended || b.contended))) return NaN;
      return diff ? pick(a) - pick(b) : pick(a) / pick(b);
    })
    .filter((x) => Number.isFinite(x));
}
export const fmt1 = (n: number) => n.toFixed(1);
export const fmtKB = (n: number) => `${(n / 1024).toFixed(1)} KB`;
export const fmtKiB = (n: number) => `${(n / 1024).toFixed(0)} KiB`;
export const fmtPlusKB = (n: number) => `${n >= 0 ? '+' : ''}${(n / 1024).toFixed(1)} KB`;
/** CPU per message at 40k, only where that step passed. */
export const high = (x: W1Result) => (x.highPass ? x.cpuUsPerMsgHigh : NaN);
