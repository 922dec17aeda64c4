/**
 * `anime-progress watch` as a real child process against a real app: plain lines when stdout
 * is a pipe (downloads going to ✔ and ✖, --exit-when-idle), resuming across a restart of the
 * service with nothing missed and nothing twice, and live bars in a real terminal (tmux).
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { EnqueueDownloadsDocument, StopQueueDocument, StartQueueDocument } from '../../src/client/operations.js';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { startCatalogServer, type CatalogServer } from '../helpers/catalog-server.js';
import { PROJECT_ROOT } from '../helpers/library-flow.js';
import { sleep, waitFor, withTimeout } from '../helpers/wait.js';

const BIN = join(PROJECT_ROOT, 'src/cli/bin.js');
const run = promisify(execFile);

interface CliProcess {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Waits until stdout (or stderr) matches; fails with what was printed. */
  waitOut(pattern: RegExp, what: string, timeout?: number, stream?: 'stdout' | 'stderr'): Promise<void>;
  exited: Promise<number | null>;
  /** Sends SIGINT and waits for the exit code. */
  interrupt(): Promise<number | null>;
}

const running: CliProcess[] = [];
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const p of running.splice(0)) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  for (const c of cleanups.splice(0).reverse()) await c();
});

function spawnCli(args: string[]): CliProcess {
  const env = { ...process.env };
  delete env.API_TOKEN;
  const child = spawn(process.execPath, [BIN, ...args], { cwd: PROJECT_ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  const p: CliProcess = {
    child,
    stdout: () => out,
    stderr: () => err,
    async waitOut(pattern, what, timeout = 15_000, stream = 'stdout') {
      try {
        await waitFor(() => pattern.test(stream === 'stdout' ? out : err), { timeout, interval: 20, message: what });
      } catch (e) {
        throw new Error(`${(e as Error).message}\n--- stdout:\n${out}\n--- stderr:\n${err}`);
      }
    },
    exited,
    async interrupt() {
      child.kill('SIGINT');
      return withTimeout(exited, 5_000, 'the watch to exit after SIGINT');
    },
  };
  running.push(p);
  return p;
}

/** How many lines of `text` match `pattern`. */
const countLines = (text: string, pattern: RegExp) => text.split('\n').filter((l) => pattern.test(l)).length;

async function app(overrides: Parameters<typeof startTestApp>[0] = {}): Promise<TestApp> {
  const a = await startTestApp(overrides);
  cleanups.push(() => a.stop());
  return a;
}

async function catalogWithShow(): Promise<CatalogServer> {
  const c = await startCatalogServer();
  cleanups.push(() => c.close());
  // ~8 s of download, so that the watch sees it running even when starting the CLI and its
  // WebSocket takes several seconds on a busy machine.
  c.addEpisode('naruto', 'Naruto', 1, 1, 160_000, { behaviour: { bytesPerSecond: 20_000 } });
  // Bytes that never match the catalog's checksum: this download fails.
  c.addEpisode('naruto', 'Naruto', 1, 2, 20_000, { sha256: '0'.repeat(64) });
  return c;
}

describe('watch with stdout not a terminal (plain lines)', () => {
  it('prints a download going to ✔ with progress lines on the way, a failed one ✖ with its error, each once; Ctrl-C exits 0', async () => {
    const catalog = await catalogWithShow();
    const a = await app({ catalogUrl: catalog.url });
    await a.app.anime.addSeries('naruto');
    const watch = spawnCli(['watch', '--url', a.url]);
    await watch.waitOut(/Watching http/, 'the watch to start', 15_000, 'stderr');
    // The subscription is up once an event of ours arrives: the queue going stopped → running is one.
    await a.client.request(StopQueueDocument);
    await a.client.request(EnqueueDownloadsDocument, {
      episodes: [
        { serieFolder: 'Naruto', season: 1, episode: 1 },
        { serieFolder: 'Naruto', season: 1, episode: 2 },
      ],
    });
    await watch.waitOut(/Download queue/, 'the queue to show up');
    await a.client.request(StartQueueDocument);

    await watch.waitOut(/✔ Naruto S01E01 \(download_Naruto_1_1\) done 156 KB/, 'the download finished line');
    await watch.waitOut(/✖ Naruto S01E02 \(download_Naruto_1_2\) failed.*: sha256 mismatch/, 'the failed line with its error');
    await watch.waitOut(/✔ Download queue \(download_queue\) done: 0 to go, 1 done, 1 failed/, 'the queue finished line');
    const out = watch.stdout();
    // On the way: progress lines with a percent and bytes, at most one per second or 10% step.
    const progress = out.split('\n').filter((l) => /▶ Naruto S01E01\s+\d+% .*KB\/156 KB/.test(l));
    expect(progress.length, out).toBeGreaterThanOrEqual(1);
    expect(progress.length, out).toBeLessThanOrEqual(12);
    expect(countLines(out, /✔ Naruto S01E01/)).toBe(1);
    expect(countLines(out, /✖ Naruto S01E02/)).toBe(1);
    // Lines start with a time of day, for logs.
    expect(out).toMatch(/^\d\d:\d\d:\d\d ✔ Naruto S01E01/m);

    expect(await watch.interrupt()).toBe(0);
  });

  it('--exit-when-idle follows what is running to its end, then exits 0; --json prints one event per line', async () => {
    const catalog = await catalogWithShow();
    // Long enough (~6 s) that the CLI is connected before it ends, however slowly it starts
    // (with a 2 s download, Node 24 on a loaded machine connected after the end and saw nothing).
    catalog.addEpisode('naruto', 'Naruto', 1, 3, 120_000, { behaviour: { bytesPerSecond: 20_000 } });
    const a = await app({ catalogUrl: catalog.url });
    await a.app.anime.addSeries('naruto');
    await a.client.request(EnqueueDownloadsDocument, { episodes: [{ serieFolder: 'Naruto', season: 1, episode: 3 }] });
    const json = spawnCli(['watch', '--exit-when-idle', '--json', '--types', 'download', '--url', a.url]);
    expect(await withTimeout(json.exited, 20_000, 'watch --exit-when-idle to exit')).toBe(0);
    const events = json
      .stdout()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { cursor: string; progress: { id: string; type: string; status: string } });
    expect(events.every((e) => e.progress.type === 'DOWNLOAD' && typeof e.cursor === 'string')).toBe(true);
    expect(events.at(-1)!.progress).toMatchObject({ id: 'download_Naruto_1_3', status: 'COMPLETED' });
    expect(new Set(events.map((e) => e.cursor)).size).toBe(events.length);

    // Nothing running: it says so and exits at once.
    const idle = spawnCli(['watch', '--exit-when-idle', '--url', a.url]);
    expect(await withTimeout(idle.exited, 10_000, 'an idle watch to exit')).toBe(0);
    expect(idle.stderr()).toMatch(/Nothing is active/);
  });

  it('reconnects when the service restarts on the same port and prints what happened meanwhile, nothing twice', async () => {
    const a1 = await app();
    const p1 = a1.app.progress;
    const watch = spawnCli(['watch', '--url', a1.url]);
    // Unfinished, so the snapshot delivers it however late the subscription starts.
    p1.startProgress('download_alpha_1_1', 'DOWNLOAD', 'Alpha S01E01', { total: 1000 });
    await watch.waitOut(/Alpha S01E01/, 'alpha in the snapshot');
    p1.updateProgress('download_alpha_1_1', { current: 1000, forceBroadcast: true });
    p1.completeProgress('download_alpha_1_1');
    await watch.waitOut(/✔ Alpha S01E01/, 'alpha finished');
    // Beta is running when the service goes away: the new process fails it as interrupted.
    p1.startProgress('download_beta_1_1', 'DOWNLOAD', 'Beta S01E01', { total: 1000 });
    p1.updateProgress('download_beta_1_1', { current: 500, forceBroadcast: true });
    await watch.waitOut(/Beta S01E01\s+50%/, 'beta at 50%');

    const beforeRestart = watch.stdout().length;
    const a2 = await a1.restart({ port: a1.port });
    cleanups.push(() => a2.stop());
    expect(a2.port).toBe(a1.port);
    // Right after the restart, most likely before the watch is back: it must still see these.
    const p2 = a2.app.progress;
    p2.startProgress('download_gamma_1_1', 'DOWNLOAD', 'Gamma S01E01', { total: 1000 });
    p2.completeProgress('download_gamma_1_1');
    await watch.waitOut(/reconnecting/, 'the reconnect notice', 15_000, 'stderr');
    await watch.waitOut(/✔ Gamma S01E01/, 'gamma, finished while the watch was away');
    await watch.waitOut(/✖ Beta S01E01 .*failed.*: .*interrupt/i, 'beta failed as interrupted by the restart');

    // And live events after the reconnect.
    p2.startProgress('library_scan', 'SCAN', 'Library scan', { total: 4 });
    p2.updateProgress('library_scan', { current: 2, forceBroadcast: true });
    await watch.waitOut(/Library scan\s+50% 2\/4/, 'the scan at 50% after the reconnect');
    p2.failProgress('library_scan', 'catalog unavailable');
    await watch.waitOut(/✖ Library scan \(library_scan\) failed.*: catalog unavailable/, 'the scan failing');

    const out = watch.stdout();
    for (const line of [/✔ Alpha S01E01/, /✖ Beta S01E01/, /✔ Gamma S01E01/, /✖ Library scan/]) {
      expect(countLines(out, line), `${line} once in:\n${out}`).toBe(1);
    }
    // What was shown before the restart is not replayed after it.
    const afterRestart = out.slice(beforeRestart);
    expect(afterRestart, out).not.toMatch(/Alpha S01E01/);
    expect(afterRestart, out).not.toMatch(/Beta S01E01\s+50%/);
    expect(await watch.interrupt()).toBe(0);
  });
});

async function tmuxAvailable(): Promise<boolean> {
  try {
    await run('tmux', ['-V']);
    return true;
  } catch {
    return false;
  }
}

const HAS_TMUX = await tmuxAvailable();
if (!HAS_TMUX) console.warn('cli-watch: tmux is not installed (apt-get install -y tmux): the terminal test is skipped');

describe('watch in a terminal', () => {
  it.skipIf(!HAS_TMUX)('draws live bars (title, bar, percent, bytes) in a pseudo-terminal, prints ✔ once done and exits 0 on Ctrl-C', async () => {
    const a = await app();
    const p = a.app.progress;
    p.startProgress('download_tty_1_1', 'DOWNLOAD', 'Tty Show S01E01', { total: 1_000_000 });
    p.updateProgress('download_tty_1_1', { current: 420_000, forceBroadcast: true });

    const socket = `cli-test-${process.pid}-${Date.now()}`;
    const tmux = (...args: string[]) => run('tmux', ['-L', socket, ...args]);
    const command = `${process.execPath} ${BIN} watch --url ${a.url}; echo "EXITED $?"; sleep 30`;
    await tmux('new-session', '-d', '-s', 'cli', '-x', '120', '-y', '30', '-c', PROJECT_ROOT, command);
    cleanups.push(async () => {
      await tmux('kill-server').catch(() => {});
    });
    let screen = '';
    const waitScreen = async (pattern: RegExp, what: string) => {
      const deadline = Date.now() + 15_000;
      for (;;) {
        screen = (await tmux('capture-pane', '-p', '-t', 'cli')).stdout;
        if (pattern.test(screen)) return;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; the terminal shows:\n${screen}`);
        await sleep(50); // poll interval
      }
    };

    await waitScreen(/Tty Show S01E01\s+█+░+\s+42% 410 KB\/977 KB/, 'a bar at 42%');
    expect(screen).toMatch(/≡ Queue\s+[█░]+\s+100% idle/);

    p.updateProgress('download_tty_1_1', { current: 730_000, forceBroadcast: true });
    await waitScreen(/Tty Show S01E01\s+█+░+\s+73%/, 'the bar moving to 73%');

    p.completeProgress('download_tty_1_1');
    await waitScreen(/✔ Tty Show S01E01 \(download_tty_1_1\) done/, 'the finished line');
    // The finished operation's bar is gone; its line is printed once.
    expect(countLines(screen, /Tty Show S01E01/)).toBe(1);

    await tmux('send-keys', '-t', 'cli', 'C-c');
    await waitScreen(/EXITED 0/, 'the watch to exit 0 on Ctrl-C');
  });
});
