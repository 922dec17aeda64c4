/**
 * A real redis-server (Debian's 7.0) for tests: its own free port, its own temp dir, append-only
 * persistence on and RDB snapshots off (`--save '' --appendonly yes`), so a restart keeps what
 * was written, as the contract asks of a production Redis. Tests that need Redis use
 * `describe.skipIf(!HAVE_REDIS)`; where redis-server cannot be found a loud warning says so.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian puts it; REDIS_SERVER overrides. */
export const REDIS_SERVER_BIN = process.env.REDIS_SERVER ?? '/usr/bin/redis-server';
/** How long a redis-server may take to accept connections after spawn. */
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 5_000;

export const HAVE_REDIS = spawnSync(REDIS_SERVER_BIN, ['--version']).status === 0;
if (!HAVE_REDIS) {
  console.warn(
    `\n!!! redis-server not found at ${REDIS_SERVER_BIN} (apt-get install -y redis-server): ` +
      'every Redis test (journal, lease, stores, several instances) is SKIPPED !!!\n',
  );
}

export interface RedisServer {
  readonly port: number;
  /** redis://127.0.0.1:PORT */
  readonly url: string;
  readonly dir: string;
  /** The running process (null while stopped). */
  readonly process: ChildProcess | null;
  /** Stops it (SIGTERM, which flushes the AOF; SIGKILL after a while). Keeps the dir. */
  stop(): Promise<void>;
  /** Kills it at once (SIGKILL): what was not yet fsynced may be lost, as in a crash. */
  kill(): Promise<void>;
  /** Starts it again on the same port and dir (the AOF brings the data back). */
  start(): Promise<void>;
  /** Stops it and removes its dir. */
  dispose(): Promise<void>;
}

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      // A PING answered means it loaded its data and serves commands.
      socket.write('PING\r\n');
    });
    socket.once('data', (d) => {
      socket.destroy();
      resolve(d.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Starts a redis-server on a free port in a fresh temp dir. Extra args go on its command line
 * (e.g. ['--appendonly', 'no'] for one that forgets everything on restart).
 */
export async function startRedis(extraArgs: readonly string[] = []): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'anime-redis-'));
  const port = await freePort();
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let output = '';

  const start = async () => {
    output = '';
    child = spawn(
      REDIS_SERVER_BIN,
      [
        '--port', String(port),
        '--bind', '127.0.0.1',
        '--dir', dir,
        '--save', '',
        '--appendonly', 'yes',
        '--appendfsync', 'always',
        '--daemonize', 'no',
        '--loglevel', 'warning',
        ...extraArgs,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const proc = child;
    proc.stdout!.on('data', (d) => (output += d));
    proc.stderr!.on('data', (d) => (output += d));
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await canConnect(port))) {
      if (proc.exitCode !== null) throw new Error(`redis-server exited (${proc.exitCode}): ${output}`);
      if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port} within ${START_TIMEOUT_MS}ms: ${output}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  const stopWith = async (signal: NodeJS.Signals) => {
    const proc = child;
    if (!proc || proc.exitCode !== null) return;
    proc.kill(signal);
    const timer = setTimeout(() => proc.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
    child = null;
  };

  await start();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    get process() {
      return child;
    },
    stop: () => stopWith('SIGTERM'),
    kill: () => stopWith('SIGKILL'),
    start,
    dispose: async () => {
      await stopWith('SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
