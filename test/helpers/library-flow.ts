/**
 * Helpers for the library / queue / crash integration tests: typed subscriptions recorded in
 * the background, error assertions on GraphQL codes, file-system checks on the library, and a
 * real child process of the service (src/main.ts) with its own port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { GraphQLRequestError, type ProgressClient, type ProgressEventMessage } from '../../src/client/index.js';
import type { ProgressEventsSubscriptionVariables, QueueUpdatedSubscription } from '../../src/client/generated/graphql.js';
import { ProgressEventsDocument, QueueUpdatedDocument } from '../../src/client/operations.js';
import type { AppConfig } from '../../src/config.js';
import { startTestApp, type TestApp } from './app.js';
import { startCatalogServer, type CatalogServer } from './catalog-server.js';
import { recordStream, type Recorder } from './stream-recorder.js';
import { sleep } from './wait.js';

export type QueueView = QueueUpdatedSubscription['queueUpdated'];
export type QueueItemView = QueueView['pending'][number];

/** Project root (where src/main.ts lives). */
export const PROJECT_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Records progressEvents (typed client, graphql-ws) in the background. */
export function recordEvents(
  client: ProgressClient,
  variables: ProgressEventsSubscriptionVariables = {},
): Recorder<ProgressEventMessage> {
  const stream = client.subscribe(ProgressEventsDocument, variables);
  async function* unwrap() {
    for await (const { progressEvents } of stream) yield progressEvents;
  }
  const gen = unwrap();
  return recordStream({ next: () => gen.next(), return: async () => (await stream.return?.(), gen.return(undefined)) });
}

/** Records queueUpdated in the background. */
export function recordQueue(client: ProgressClient): Recorder<QueueView> {
  const stream = client.subscribe(QueueUpdatedDocument);
  async function* unwrap() {
    for await (const { queueUpdated } of stream) yield queueUpdated;
  }
  const gen = unwrap();
  return recordStream({ next: () => gen.next(), return: async () => (await stream.return?.(), gen.return(undefined)) });
}

/** Download progress id of the contract. */
export const downloadId = (folder: string, season: number, episode: number) => `download_${folder}_${season}_${episode}`;

/** Predicate: an event of `id` with `status` has arrived. */
export const reached =
  (id: string, status: string) =>
  (all: readonly ProgressEventMessage[]): boolean =>
    all.some((e) => e.progress.id === id && e.progress.status === status);

/** Asserts that `promise` rejects with a GraphQL error whose extensions.code is `code`; returns it. */
export async function expectGraphQLError(promise: Promise<unknown>, code: string, message?: RegExp): Promise<GraphQLRequestError> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  if (caught === undefined) throw new Error(`expected a GraphQL error with code ${code}, the request succeeded`);
  expect(caught).toBeInstanceOf(GraphQLRequestError);
  const err = caught as GraphQLRequestError;
  expect(err.code, `code of "${err.message}"`).toBe(code);
  if (message) expect(err.message).toMatch(message);
  return err;
}

/** Every file and folder below `dir` (hidden ones included), relative, `/`-separated, sorted. */
export function listTree(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      out.push(relative(dir, p).split('\\').join('/'));
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** Files below `dir` whose name ends with `.part`. */
export function partFiles(dir: string): string[] {
  return listTree(dir).filter((p) => p.endsWith('.part'));
}

export function sha256OfFile(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

export function fileSizeOr0(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Where the downloader keeps the bytes of an unfinished episode (hidden `.part` next to the target). */
export function partPathOf(libraryDir: string, folder: string, name: string, season: number, episode: number, ext = 'mp4'): string {
  const s = String(season).padStart(2, '0');
  const e = String(episode).padStart(2, '0');
  return join(libraryDir, folder, `Season ${s}`, `.${name} - S${s}E${e}.${ext}.part`);
}

/** The contract's path of a finished episode, relative to the library root. */
export function episodeRelPath(folder: string, name: string, season: number, episode: number, ext = 'mp4'): string {
  const s = String(season).padStart(2, '0');
  const e = String(episode).padStart(2, '0');
  return `${folder}/Season ${s}/${name} - S${s}E${e}.${ext}`;
}

/** A TCP port that was free a moment ago (bound to port 0, then released). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const { port } = srv.address() as AddressInfo;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

export interface ServiceProcess {
  child: ChildProcess;
  /** http://127.0.0.1:PORT/graphql */
  url: string;
  /** stdout + stderr so far. */
  output(): string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Kills it with SIGKILL if still running and waits for the exit. */
  kill(): Promise<void>;
}

/** Starts `node --import tsx src/main.ts` as a child process with the given environment. */
export function spawnService(env: Record<string, string>): ServiceProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const port = env.PORT ?? '4000';
  return {
    child,
    url: `http://127.0.0.1:${port}/graphql`,
    output: () => out,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Polls GET /health until it answers 200; rejects (with the child's output) after `timeout` or if the child exits. */
export async function waitHealthy(service: ServiceProcess, timeout = 20_000): Promise<void> {
  const deadline = Date.now() + timeout;
  let exited = false;
  void service.exited.then(() => (exited = true));
  const health = service.url.replace(/\/graphql$/, '/health');
  for (;;) {
    if (exited) throw new Error(`the service exited before it was healthy:\n${service.output()}`);
    try {
      const res = await fetch(health);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() >= deadline) throw new Error(`the service was not healthy within ${timeout}ms:\n${service.output()}`);
    await sleep(25); // poll interval
  }
}

/** Cleanups run after each test, last registered first. */
/** A catalog server and an app that uses it, both disposed by `cleanups`. */
export async function startAppWithCatalog(
  cleanups: ReturnType<typeof cleanupList>,
  config: Partial<AppConfig> = {},
): Promise<{ app: TestApp; catalog: CatalogServer }> {
  const catalog = await startCatalogServer();
  cleanups.add(() => catalog.close());
  const app = await startTestApp({ catalogUrl: catalog.url, ...config });
  cleanups.add(() => app.stop());
  return { app, catalog };
}

export function cleanupList(): { add(fn: () => Promise<void> | void): void; run(): Promise<void> } {
  const fns: Array<() => Promise<void> | void> = [];
  return {
    add: (fn) => void fns.push(fn),
    async run() {
      for (const fn of fns.splice(0).reverse()) await fn();
    },
  };
}
