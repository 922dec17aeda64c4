/**
 * The client harness as one or more processes (client.ts), all pinned to the client core:
 * subscribers are dealt round-robin, results merged (counts summed, latency histograms
 * merged, CPU summed over the processes: they share one core, so the sum is what saturates).
 * Several processes are needed where one would pass its file-descriptor limit (W5).
 */
import path from 'node:path';
import { BENCH_DIR, Child, sleep } from './child.js';
import { Histogram, type HistogramJson } from './histogram.js';
import { nowMs } from './shared.js';

export interface ClientSub {
  query: string;
  variables: Record<string, unknown>;
  /** Connects but subscribes only when stalled (W4). */
  deferred?: boolean;
}

export interface Collected {
  count: number;
  bytes: number;
  p50: number;
  p99: number;
  stalledCount: number;
  cpuUs: number;
  wallMs: number;
  errors: number;
  lastError: string;
}

export interface StallGroupReport {
  stalled: number;
  closedByServer: number;
  closeCodes: number[];
  closedAfterMs: number[];
  afterResume: number[];
  sinceStall: number[];
  missedFrames: number[];
  missedSum: number[];
}

/** The core every client process is pinned to. */
export const CLIENT_CORE = 1;

export class ClientPool {
  readonly children: Child[];
  readonly ready: Promise<void>;

  constructor(readonly size: number) {
    this.children = Array.from({ length: size }, (_, i) => new Child(size > 1 ? `client${i}` : 'client', path.join(BENCH_DIR, 'client.ts'), CLIENT_CORE));
    this.ready = Promise.all(this.children.map((c) => c.ready)).then(() => undefined);
  }

  private all<T>(cmd: string, args: (i: number) => Record<string, unknown> = () => ({}), timeoutMs?: number) {
    return Promise.all(this.children.map((c, i) => c.call<T>(cmd, args(i), timeoutMs)));
  }

  /**
   * Subscriber j connects to urls[j % urls.length] (instances share the subscribers) from
   * process j % size. Resolves with the wall time until every one is subscribed.
   */
  async connect(urls: string[], subs: ClientSub[], concurrency = 50): Promise<{ ms: number }> {
    const began = nowMs();
    const withUrl = subs.map((s, j) => ({ ...s, url: urls[j % urls.length]! }));
    await this.all('connect', (i) => ({ subs: withUrl.filter((_, j) => j % this.size === i), concurrency: Math.max(1, Math.ceil(concurrency / this.size)) }), 600_000);
    return { ms: nowMs() - began };
  }

  async arm(start: number, end: number): Promise<void> {
    await this.all('arm', () => ({ start, end }));
  }

  async collect(): Promise<Collected> {
    const parts = await this.all<Collected & { hist: HistogramJson }>('collect');
    const h = new Histogram();
    for (const p of parts) h.merge(p.hist);
    const sum = (f: (p: Collected) => number) => parts.reduce((a, p) => a + f(p), 0);
    return {
      count: sum((p) => p.count),
      bytes: sum((p) => p.bytes),
      p50: h.quantile(0.5),
      p99: h.quantile(0.99),
      stalledCount: sum((p) => p.stalledCount),
      cpuUs: sum((p) => p.cpuUs),
      wallMs: Math.max(...parts.map((p) => p.wallMs)),
      errors: sum((p) => p.errors),
      lastError: parts.map((p) => p.lastError).filter(Boolean).join(' | '),
    };
  }

  /** Waits until no process has received anything for quietMs (at most maxMs). */
  async idle(quietMs = 300, maxMs = 10_000): Promise<boolean> {
    const began = nowMs();
    for (;;) {
      const last = Math.max(...(await this.all<{ lastMsgAt: number }>('lastMsgAt')).map((r) => r.lastMsgAt));
      const now = nowMs();
      if (now - last >= quietMs) return true;
      if (now - began >= maxMs) return false;
      await sleep(50);
    }
  }

  async churn(opsPerSec: number, durationMs: number): Promise<number> {
    const r = await this.all<{ churnOps: number }>('churn', () => ({ opsPerSec: opsPerSec / this.size, durationMs }));
    return r.reduce((a, x) => a + x.churnOps, 0);
  }

  /** Stops reading on the subscribers at these (global) indexes; `resumable: false` ones never read again. */
  async stall(indexes: number[], resumable: boolean, subscribe = false): Promise<void> {
    await this.all('stall', (i) => ({ indexes: indexes.filter((j) => j % this.size === i).map((j) => Math.floor(j / this.size)), resumable, subscribe }));
  }

  /** Resumes the resumable stalled subscribers (dead: the others too). */
  async resume(dead = false): Promise<void> {
    await this.all('resume', () => ({ dead }));
  }

  async stalledReport(): Promise<{ resumable: StallGroupReport; dead: StallGroupReport; healthyClosed: number }> {
    const r = await this.all<{ resumable: StallGroupReport; dead: StallGroupReport; healthyClosed: number }>('stalledReport');
    const merge = (g: StallGroupReport[]): StallGroupReport => ({
      stalled: g.reduce((a, x) => a + x.stalled, 0),
      closedByServer: g.reduce((a, x) => a + x.closedByServer, 0),
      closeCodes: [...new Set(g.flatMap((x) => x.closeCodes))],
      closedAfterMs: g.flatMap((x) => x.closedAfterMs),
      afterResume: g.flatMap((x) => x.afterResume),
      sinceStall: g.flatMap((x) => x.sinceStall),
      missedFrames: g.flatMap((x) => x.missedFrames),
      missedSum: g.flatMap((x) => x.missedSum),
    });
    return {
      resumable: merge(r.map((x) => x.resumable)),
      dead: merge(r.map((x) => x.dead)),
      healthyClosed: r.reduce((a, x) => a + x.healthyClosed, 0),
    };
  }

  async stop(): Promise<void> {
    await Promise.all(this.children.map((c) => c.stop('close')));
  }
}
