/**
 * `npm start` as a process manager runs it: the PID it gets is npm's. SIGTERM sent to that
 * PID must stop the service (exit 0, port closed), not leave a child serving.
 */
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/app.js';
import { cleanupList, freePort, PROJECT_ROOT } from '../helpers/library-flow.js';
import { sleep, withTimeout } from '../helpers/wait.js';

const cleanups = cleanupList();
afterEach(() => cleanups.run());

/** How long the service may take to stop after SIGTERM (the bound). */
const STOP_WITHIN_MS = 10_000;

/** Resolves true when something accepts a TCP connection on the port, false when refused. */
function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

describe('npm start', () => {
  it('runs node on the compiled service, and SIGTERM to the PID npm start gives stops it: exit 0, port closed', async () => {
    const port = await freePort();
    const data = tempDir('anime-start-data-');
    const lib = tempDir('anime-start-lib-');
    const child = spawn('npm', ['start'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, PORT: String(port), DATA_DIR: data.path, LIBRARY_DIR: lib.path, LOG_LEVEL: 'info', LOG_FORMAT: 'json' },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so that the cleanup can end whatever it left behind.
      detached: true,
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );
    cleanups.add(async () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // the group is gone: nothing was left behind
      }
      await exited;
    });

    // Listening: the log line says so (up to a build of dist/ first, when it is stale).
    await withTimeout(
      (async () => {
        while (!out.includes('"msg":"listening on')) {
          if (child.exitCode !== null) throw new Error(`npm start exited:\n${out}`);
          await sleep(50); // poll interval
        }
      })(),
      60_000,
      `npm start to listen; output so far:\n${out}`,
    );
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    // Compiled JavaScript on plain node, no TypeScript loader in between.
    expect(out).toContain('node dist/main.js');

    child.kill('SIGTERM');
    const { code, signal } = await withTimeout(exited, STOP_WITHIN_MS, `exit after SIGTERM; output:\n${out}`);
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(out).toContain('"msg":"stopped"');
    expect(await portOpen(port)).toBe(false);
  }, 90_000);
});
