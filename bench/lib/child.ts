/** Spawning pinned child processes and talking to them over IPC. */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { RpcReply } from './shared.js';

export const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));

/** Pinning is possible when taskset exists and there are at least 2 cores. */
export const CAN_PIN = availableParallelism() >= 2 && spawnSync('taskset', ['-c', '0', 'true']).status === 0;

/** The hard limit on open files; children get it as their soft limit (W5 holds ~20,000 sockets). */
export const FILE_LIMIT = Number(spawnSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).stdout.trim()) || 1024;
const CAN_PRLIMIT = spawnSync('prlimit', [`--nofile=${FILE_LIMIT}:${FILE_LIMIT}`, 'true']).status === 0;

/**
 * `prlimit --nofile=H:H taskset -c <core> node --expose-gc --import tsx <script>`: the soft
 * file limit raised to the hard one, pinned to a core; each part left out where impossible.
 */
export function pinnedCommand(core: number | null, argv: string[]): [string, string[]] {
  const pinned = core === null || !CAN_PIN ? argv : ['taskset', '-c', String(core), ...argv];
  const limited = CAN_PRLIMIT ? ['prlimit', `--nofile=${FILE_LIMIT}:${FILE_LIMIT}`, ...pinned] : pinned;
  return [limited[0]!, limited.slice(1)];
}

/** Extra node flags for every child, e.g. BENCH_NODE_FLAGS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile. */
const EXTRA_NODE_FLAGS = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);

export function nodeArgv(script: string, extra: string[] = []): string[] {
  return [process.execPath, '--expose-gc', ...EXTRA_NODE_FLAGS, '--import', 'tsx', script, ...extra];
}

export class Child {
  readonly proc: ChildProcess;
  private next = 1;
  private readonly waiting = new Map<number, { resolve: (r: RpcReply) => void; reject: (e: Error) => void }>();
  readonly ready: Promise<void>;
  exited = false;

  constructor(
    readonly name: string,
    script: string,
    core: number | null,
    env: Record<string, string> = {},
  ) {
    const [cmd, args] = pinnedCommand(core, nodeArgv(script));
    this.proc = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, NODE_ENV: 'production', ...env } });
    this.ready = new Promise((resolve, reject) => {
      const onExit = (code: number | null) => {
        this.exited = true;
        const err = new Error(`${name} exited (code ${code})`);
        reject(err);
        for (const w of this.waiting.values()) w.reject(err);
        this.waiting.clear();
      };
      this.proc.once('exit', onExit);
      this.proc.on('message', (m: RpcReply) => {
        if (m.rpc === 0) return resolve();
        const w = this.waiting.get(m.rpc);
        if (!w) return;
        this.waiting.delete(m.rpc);
        if (m.ok) w.resolve(m);
        else w.reject(new Error(`${name} ${m.error}`));
      });
    });
  }

  call<T = Record<string, unknown>>(cmd: string, args: Record<string, unknown> = {}, timeoutMs = 120_000): Promise<RpcReply & T> {
    if (this.exited) return Promise.reject(new Error(`${this.name} has exited`));
    const rpc = this.next++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(rpc);
        reject(new Error(`${this.name}: ${cmd} timed out`));
      }, timeoutMs);
      this.waiting.set(rpc, {
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r as RpcReply & T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.proc.send({ rpc, cmd, ...args });
    });
  }

  /** Asks politely, then kills this child (by its pid) if it has not gone. */
  async stop(cmd = 'stop'): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((r) => this.proc.once('exit', () => r()));
    await this.call(cmd, {}, 5_000).catch(() => undefined);
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 5_000);
    await gone;
    clearTimeout(timer);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
