/** Runs the CLI (`node src/cli/bin.js …`) as a real child process, for the CLI tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from './library-flow.js';

export const BIN = join(PROJECT_ROOT, 'src/cli/bin.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, ...extra };
  // The CLI reads these; the test machine's own values must not leak in.
  for (const name of ['API_TOKEN', 'PORT', 'HOST'] as const) if (!extra[name]) delete e[name];
  return e;
}

/** Runs the CLI to its end; rejects (with what it printed) if it takes longer than `timeout`. */
export function runCli(args: string[], options: { env?: Record<string, string>; timeout?: number } = {}): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: PROJECT_ROOT, env: env(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timeout = options.timeout ?? 20_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cli ${args.join(' ')} did not exit within ${timeout}ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, timeout);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Starts the CLI and leaves it running (e.g. watch); `output()` is what it printed so far. */
export function startCli(args: string[]): { child: ChildProcess; output(): string; stop(): Promise<void> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: PROJECT_ROOT, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return {
    child,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      await closed;
    },
  };
}

export const describeResult = (r: CliResult) => `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;
