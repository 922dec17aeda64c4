/**
 * The part every server variant shares: an open-loop publisher at a fixed rate (driven by
 * the runner over IPC), window accounting of what was published, CPU/RSS/heap reports and
 * a count of uncaught errors. A variant only binds its server and publishes one event.
 */
import { type QueuedStats, trackedSockets } from '../lib/queued.js';
import { BENCH_TYPES, type BenchType, OPS_PER_TYPE, heapAfterGc, nowMs, serveRpc, usage } from '../lib/shared.js';

export interface Variant {
  /** Binds a free port on 127.0.0.1; resolves with the ws:// URL of the subscription endpoint. */
  start(): Promise<string>;
  /** Publishes one event of `type` for operation `op`, stamped with its publish time `ts`. */
  publish(type: BenchType, op: number, seq: number, ts: number): void;
  stop(): Promise<void>;
  /** Subscriptions the server serves now (W5 waits for all of them); -1: cannot tell. */
  subscribers?(): number;
  /** Events the server dropped for slow subscribers, by reason (W4; the service's /metrics). */
  dropped?(): Promise<Record<string, number>>;
}

/** Publisher tick; every tick publishes what the rate says is due since the rate was set. */
const TICK_MS = 5;
/**
 * Most debt one tick pays (ms worth of events). A saturated server falls behind the offered
 * rate instead of blocking its loop for ever; the runner sees it publish less than offered.
 */
const MAX_CATCH_UP_MS = 50;

export function runVariant(variant: Variant): void {
  let uncaught = 0;
  let lastUncaught = '';
  process.on('uncaughtException', (err) => {
    uncaught++;
    lastUncaught = String(err?.stack ?? err).slice(0, 500);
  });
  process.on('unhandledRejection', (err) => {
    uncaught++;
    lastUncaught = String((err as Error)?.stack ?? err).slice(0, 500);
  });
  // The runner going away ends this process.
  process.on('disconnect', () => process.exit(0));

  let seq = 0;
  let rate = 0;
  let rateStart = 0;
  let publishedSinceRate = 0;
  let timer: NodeJS.Timeout | null = null;
  const typeCount = BENCH_TYPES.length;

  // Window accounting.
  let win: { start: number; end: number } | null = null;
  const published = new Array<number>(typeCount).fill(0);
  let atStart: ReturnType<typeof usage> | null = null;
  let atEnd: ReturnType<typeof usage> | null = null;
  let rssMax = 0;
  let sampler: NodeJS.Timeout | null = null;
  let lagMax = 0;
  let skipped = 0;

  const tick = () => {
    const now = nowMs();
    const due = Math.floor((rate * (now - rateStart)) / 1000);
    const cap = Math.max(1, Math.ceil((rate * MAX_CATCH_UP_MS) / 1000));
    if (due - publishedSinceRate > cap) {
      skipped += due - publishedSinceRate - cap;
      publishedSinceRate = due - cap;
    }
    while (publishedSinceRate < due) {
      const n = seq++;
      const t = n % typeCount;
      const op = Math.floor(n / typeCount) % OPS_PER_TYPE;
      const ts = nowMs();
      variant.publish(BENCH_TYPES[t]!, op, n, ts);
      publishedSinceRate++;
      if (win && ts >= win.start && ts <= win.end) published[t]!++;
    }
    if (win && now >= win.start && now <= win.end) lagMax = Math.max(lagMax, now - lastTick - TICK_MS);
    lastTick = now;
  };
  let lastTick = nowMs();

  serveRpc({
    start: async () => ({ url: await variant.start(), pid: process.pid }),
    rate: (req) => {
      rate = Number(req.eventsPerSec);
      rateStart = nowMs();
      publishedSinceRate = 0;
      if (timer) clearInterval(timer);
      timer = rate > 0 ? setInterval(tick, TICK_MS) : null;
      return {};
    },
    arm: (req) => {
      const start = Number(req.start);
      const end = Number(req.end);
      win = { start, end };
      published.fill(0);
      atStart = atEnd = null;
      rssMax = 0;
      lagMax = 0;
      skipped = 0;
      const begin = () => {
        atStart = usage();
        rssMax = atStart.rss;
        sampler = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage().rss)), 100);
      };
      const finish = () => {
        atEnd = usage();
        rssMax = Math.max(rssMax, atEnd.rss);
        if (sampler) clearInterval(sampler);
        sampler = null;
      };
      setTimeout(begin, Math.max(0, start - nowMs()));
      setTimeout(finish, Math.max(0, end - nowMs()));
      return {};
    },
    collect: async () => {
      // A saturated loop runs the window's timers late: wait for them.
      for (let i = 0; i < 600 && (!atStart || !atEnd); i++) await new Promise((r) => setTimeout(r, 50));
      if (!atStart || !atEnd) throw new Error('window not finished');
      return {
        published: [...published],
        cpuUs: atEnd.cpuUs - atStart.cpuUs,
        wallMs: atEnd.t - atStart.t,
        skipped,
        rssStart: atStart.rss,
        rssEnd: atEnd.rss,
        rssMax,
        lagMax,
        uncaught,
        lastUncaught,
      };
    },
    seq: () => ({ seq }),
    subscribers: () => ({ subscribers: variant.subscribers?.() ?? -1 }),
    queued: () => trackedSockets(),
    dropped: async () => ({ dropped: (await variant.dropped?.()) ?? {} }),
    heap: async () => ({ heap: await heapAfterGc(), rss: process.memoryUsage().rss, uncaught, lastUncaught }),
    stop: async () => {
      if (timer) clearInterval(timer);
      await Promise.race([variant.stop(), new Promise((r) => setTimeout(r, 3000))]);
      setTimeout(() => process.exit(0), 50);
      return { uncaught, lastUncaught };
    },
  });
  process.send!({ rpc: 0, ok: true, ready: true });
}
