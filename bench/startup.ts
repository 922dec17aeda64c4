/**
 * Start time and memory of the service, started the ways it has been started (issue 14):
 * through tsx (TypeScript compiled in memory at every start) and as compiled JavaScript on
 * plain node, each directly and through `npm start`. Start time: from spawn to the
 * "listening on" log line. Memory: resident set of the whole process tree (npm, sh, tsx and
 * node as they apply) once the service idles with its database open and the demo catalog up.
 *
 *   npm run build && npx tsx bench/startup.ts [--runs N]
 *
 * Prints a Markdown table (median and range over the runs).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** How long the service idles before its memory is read. */
const SETTLE_MS = 2_000;
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 7;

interface Variant {
  name: string;
  command: string;
  args: string[];
}

const VARIANTS: Variant[] = [
  { name: '`tsx src/main.ts` (the old start)', command: join(ROOT, 'node_modules/.bin/tsx'), args: ['src/main.ts'] },
  { name: '`node dist/main.js` (the new start)', command: process.execPath, args: ['dist/main.js'] },
  { name: '`npm start`, old (npm → sh → tsx → node)', command: 'npm', args: ['run', 'dev'] },
  { name: '`npm start`, new (npm → node; dist/ up to date)', command: 'npm', args: ['start'] },
];

/** Resident memory (bytes) of `pid` and all its descendants. */
function treeRss(pid: number): number {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  let total = 0;
  const walk = (p: number) => {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, 'utf8'));
      if (m) total += Number(m[1]) * 1024;
    } catch {
      // gone meanwhile
    }
    for (const c of children.get(p) ?? []) walk(c);
  };
  walk(pid);
  return total;
}

async function measure(variant: Variant): Promise<{ startMs: number; rss: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-startup-'));
  const started = process.hrtime.bigint();
  const child = spawn(variant.command, variant.args, {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', DATA_DIR: join(dir, 'data'), LIBRARY_DIR: join(dir, 'library'), LOG_FORMAT: 'json', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  let out = '';
  const startMs = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('"msg":"listening on')) resolve(Number(process.hrtime.bigint() - started) / 1e6);
    });
    child.once('exit', (code) => reject(new Error(`${variant.name} exited ${code}:\n${out}`)));
  });
  await new Promise((r) => setTimeout(r, SETTLE_MS)); // idle before reading memory
  const rss = treeRss(child.pid!);
  process.kill(-child.pid!, 'SIGTERM');
  await new Promise((r) => child.once('exit', r));
  rmSync(dir, { recursive: true, force: true });
  return { startMs, rss };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;

const rows: string[] = [];
for (const variant of VARIANTS) {
  await measure(variant); // warm the file cache (and tsx's cache) once
  const results = [];
  for (let i = 0; i < RUNS; i++) results.push(await measure(variant));
  const starts = results.map((r) => r.startMs);
  const rss = results.map((r) => r.rss);
  rows.push(
    `| ${variant.name} | ${median(starts).toFixed(0)} ms (${Math.min(...starts).toFixed(0)}–${Math.max(...starts).toFixed(0)}) | ${mb(median(rss))} (${mb(Math.min(...rss))}–${mb(Math.max(...rss))}) |`,
  );
  console.error(rows.at(-1));
}
console.log(`Node ${process.version}, ${RUNS} runs each (median, range), after one warm-up run:\n`);
console.log('| started as | start to listening | memory (RSS of the process tree, idle) |');
console.log('| --- | --- | --- |');
for (const row of rows) console.log(row);
