/**
 * Live fan-out of the Redis journal across instances: blocking XREAD vs pub/sub with the
 * Stream as gap filler. One writer (this process) appends at a fixed rate; two reader
 * processes (two "instances") each open a RedisJournal in the mode under test and measure
 * append-to-delivery latency and their own CPU per delivered event; Redis's CPU comes from
 * /proc. Run: npx tsx bench/journal.ts [events/s=5000] [seconds=5] [batch=1]
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { connectRedis } from '../src/store/redis-connection.js';
import { RedisJournal, type RedisLiveMode } from '../src/store/redis-journal.js';
import { redisKeys } from '../src/store/redis-keys.js';
import { startRedis } from '../test/helpers/redis-server.js';
import { Histogram } from './lib/histogram.js';

const silent = pino({ level: 'silent' });
const now = () => performance.timeOrigin + performance.now();
const TICK_MS = 5;

interface ReaderReport {
  delivered: number;
  cpuUs: number;
  p50: number;
  p99: number;
  max: number;
}

async function reader(url: string, mode: RedisLiveMode, prefix: string): Promise<void> {
  const redis = await connectRedis(url, 'bench-cmd');
  const conn = await connectRedis(url, 'bench-reader');
  const journal = new RedisJournal({ redis, reader: conn, keys: redisKeys(prefix), logger: silent, live: mode });
  await journal.open();
  const hist = new Histogram();
  let delivered = 0;
  let cpu0 = process.cpuUsage();
  let measuring = false;
  journal.listen((events) => {
    if (!measuring) return;
    const t = now();
    for (const e of events) {
      delivered++;
      hist.add(t - Number(e.progress.title));
    }
  });
  process.on('message', (msg: string) => {
    if (msg === 'start') {
      measuring = true;
      cpu0 = process.cpuUsage();
    } else if (msg === 'stop') {
      measuring = false;
      const cpu = process.cpuUsage(cpu0);
      const report: ReaderReport = {
        delivered,
        cpuUs: cpu.user + cpu.system,
        p50: hist.quantile(0.5),
        p99: hist.quantile(0.99),
        max: hist.quantile(1),
      };
      process.send!(report, () => {
        void journal.close().then(() => {
          redis.disconnect();
          process.exit(0);
        });
      });
    }
  });
  process.send!('ready');
}

function redisCpuUs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1_000_000) / 100; // USER_HZ = 100 on Linux
}

async function run(mode: RedisLiveMode, rate: number, seconds: number, batch: number) {
  const server = await startRedis(['--appendfsync', 'everysec']);
  const prefix = `bench:${mode}:`;
  const children: ChildProcess[] = [];
  try {
    for (let i = 0; i < 2; i++) {
      const child = fork(fileURLToPath(import.meta.url), ['--reader', server.url, mode, prefix], {
        execArgv: ['--import', 'tsx'],
      });
      children.push(child);
      await new Promise<void>((resolve) => child.once('message', () => resolve()));
    }
    const redis = await connectRedis(server.url, 'bench-writer');
    const writerReader = await connectRedis(server.url, 'bench-writer-reader');
    const journal = new RedisJournal({ redis, reader: writerReader, keys: redisKeys(prefix), logger: silent, live: mode });
    await journal.open();
    for (const c of children) c.send('start');
    const redisCpu0 = redisCpuUs(server.process!.pid!);
    const total = rate * seconds;
    const t0 = now();
    let sent = 0;
    const inflight: Array<Promise<unknown>> = [];
    while (sent < total) {
      const due = Math.min(total, Math.floor(((now() - t0) / 1000) * rate));
      while (sent < due) {
        const n = Math.min(batch, due - sent);
        const t = String(now());
        const events = Array.from({ length: n }, (_, i) => ({
          type: 'download_progress',
          room: 'downloads',
          progress: {
            id: `download_Bench_1_${(sent + i) % 10}`,
            type: 'DOWNLOAD' as const,
            status: 'IN_PROGRESS' as const,
            title: t,
            message: null,
            percent: 50,
            current: 5e6,
            total: 1e7,
            speed: 1e6,
            eta: 5,
            error: null,
            metadata: {},
            startedAt: 1,
            updatedAt: 2,
            completedAt: null,
          },
        }));
        inflight.push(journal.append({ events, active: [], finished: [] }));
        sent += n;
      }
      if (inflight.length > 1000) await Promise.all(inflight.splice(0));
      await new Promise((r) => setTimeout(r, TICK_MS));
    }
    await Promise.all(inflight);
    const offeredS = (now() - t0) / 1000;
    // Let the last events arrive.
    await new Promise((r) => setTimeout(r, 500));
    const redisCpu = redisCpuUs(server.process!.pid!) - redisCpu0;
    const reports = await Promise.all(
      children.map(
        (c) =>
          new Promise<ReaderReport>((resolve) => {
            c.once('message', (r) => resolve(r as ReaderReport));
            c.send('stop');
          }),
      ),
    );
    await journal.close();
    redis.disconnect();
    return { mode, rate, batch, offered: total / offeredS, reports, redisCpuPerEvent: redisCpu / total };
  } finally {
    for (const c of children) c.kill();
    await server.dispose();
  }
}

if (process.argv[2] === '--reader') {
  await reader(process.argv[3]!, process.argv[4] as RedisLiveMode, process.argv[5]!);
} else {
  const rate = Number(process.argv[2] ?? 5000);
  const seconds = Number(process.argv[3] ?? 5);
  const batch = Number(process.argv[4] ?? 1);
  console.log(`journal live fan-out: ${rate} events/s for ${seconds}s, batches of ${batch}, 2 reader instances`);
  console.log('| mode | delivered/reader | reader CPU µs/event | redis CPU µs/event (incl. writes) | p50 ms | p99 ms | max ms |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const mode of ['xread', 'pubsub', 'xread', 'pubsub'] as const) {
    const r = await run(mode, rate, seconds, batch);
    const cpu = r.reports.map((x) => (x.cpuUs / Math.max(1, x.delivered)).toFixed(1)).join(' / ');
    const p = (k: 'p50' | 'p99' | 'max') => r.reports.map((x) => x[k].toFixed(2)).join(' / ');
    console.log(
      `| ${mode} | ${r.reports.map((x) => x.delivered).join(' / ')} of ${rate * seconds} | ${cpu} | ${r.redisCpuPerEvent.toFixed(1)} | ${p('p50')} | ${p('p99')} | ${p('max')} |`,
    );
  }
}
