import fs from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import type { ProgressEventName } from '../../src/services/progress-handlers.js';
import { ProgressService } from '../../src/services/progress-service.js';
import { createInProcessPubSub, type ProgressPubSub } from '../../src/services/progress-pubsub.js';
import type { ProgressEvent } from '../../src/domain/progress-types.js';
import { openDatabase, type Db } from '../../src/store/database.js';
import type { ProgressPersistence } from '../../src/store/progress-store.js';
import { createSqlitePersistence } from '../../src/store/sqlite-progress-store.js';
import { SqliteJournal } from '../../src/store/sqlite-journal.js';
import type { ProgressJournal, ProgressStateReader } from '../../src/store/progress-journal.js';
import { connectRedis } from '../../src/store/redis-connection.js';
import { RedisJournal } from '../../src/store/redis-journal.js';
import { redisKeys } from '../../src/store/redis-keys.js';
import type { StreamOptions } from '../../src/services/progress-streams.js';
import { redisUrlOfProject } from './project-backend.js';
import { withTimeout } from './wait.js';

export interface LogLine {
  level: number;
  msg: string;
  err?: { message: string; type?: string };
  [key: string]: unknown;
}

/** A pino logger at `error` level whose lines are parsed into `lines`. */
export function captureLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = pino({ level: 'error' }, { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) });
  return { logger, lines };
}

export function tempDir(prefix = 'progress-test-'): string {
  return fs.mkdtempSync(join(os.tmpdir(), prefix));
}

/** A clock tests move by hand: `now` goes to ProgressService's `now` option. */
export function manualClock(start = 1_700_000_000_000) {
  let t = start;
  return {
    now: () => t,
    advance(ms: number) {
      t += ms;
    },
  };
}

export interface FixtureOptions {
  /** Reuse a data dir (to re-open a database); a fresh temp dir otherwise. */
  dir?: string;
  throttleMs?: number;
  now?: () => number;
  historyLimit?: number;
  eventLogRetention?: number;
  pubsub?: ProgressPubSub;
  /** Wraps the SQLite persistence (e.g. to inject failures). */
  wrapPersistence?: (p: ProgressPersistence) => ProgressPersistence;
}

export interface Fixture {
  dir: string;
  db: Db;
  persistence: ProgressPersistence;
  journal: SqliteJournal;
  pubsub: ProgressPubSub;
  service: ProgressService;
  /** Error-level log lines the service wrote. */
  logs: LogLine[];
  /** Closes the service then the database; keeps the dir (for a re-open). */
  close(): void;
  /** close() and remove the dir. */
  dispose(): void;
}

const open = new Set<Fixture>();

/** Disposes every fixture still open (call from afterEach). */
export function disposeAll(): void {
  for (const fx of [...open]) fx.dispose();
}

export function createFixture(options: FixtureOptions = {}): Fixture {
  const dir = options.dir ?? tempDir();
  const db = openDatabase(dir);
  const sqlite = createSqlitePersistence(db);
  const persistence = options.wrapPersistence ? options.wrapPersistence(sqlite) : sqlite;
  const pubsub = options.pubsub ?? createInProcessPubSub();
  const { logger, lines } = captureLogger();
  const journal = new SqliteJournal(persistence);
  const service = new ProgressService({
    journal,
    pubsub,
    logger,
    throttleMs: options.throttleMs ?? 0,
    now: options.now,
    historyLimit: options.historyLimit,
    eventLogRetention: options.eventLogRetention,
  });
  let closed = false;
  const fx: Fixture = {
    dir,
    db,
    persistence,
    journal,
    pubsub,
    service,
    logs: lines,
    close() {
      if (closed) return;
      closed = true;
      service.close();
      db.close();
    },
    dispose() {
      fx.close();
      open.delete(fx);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  open.add(fx);
  return fx;
}

/** A ProgressService on the backend of the vitest project (see openFixture). */
export interface BackendFixture {
  backend: 'sqlite' | 'redis';
  service: ProgressService;
  journal: ProgressJournal & ProgressStateReader;
  pubsub: ProgressPubSub;
  /** Error-level log lines the service wrote. */
  logs: LogLine[];
  /**
   * Everything emitted so far is written and delivered to this instance's subscribers:
   * SQLite does that in the flushing call, Redis once the log hands it back.
   */
  settle(): Promise<void>;
  /** The cursor of the last event (SQLite: `lastCursor`, exact now; Redis: `currentCursor()`). */
  cursor(): Promise<string>;
  /** A cursor of the log's identity at `seq` (e.g. 0: from the start of the log). */
  cursorAt(seq: number): string;
  /** Stops the service (sending throttled states, writing what is pending); keeps the data. */
  close(): Promise<void>;
  /** close() and remove the data (SQLite dir; a Redis fixture's keys die with the run's server). */
  dispose(): Promise<void>;
}

export interface BackendFixtureOptions extends Omit<FixtureOptions, 'dir' | 'wrapPersistence'> {
  /** Redis only (SQLite writes in the emitting turn): see ProgressServiceOptions. */
  maxUnwrittenEvents?: number;
  /** Opens a new service on the data of this (closed) fixture: a restart. */
  reopen?: BackendFixture;
}

/** The Redis of the `redis` vitest project; null in the `sqlite` one. */
export const PROJECT_REDIS = redisUrlOfProject();
/** The backend openFixture() uses in this vitest project. */
export const PROJECT_BACKEND: 'sqlite' | 'redis' = PROJECT_REDIS ? 'redis' : 'sqlite';

/**
 * What a queue runner adopts on Redis when it takes over (src/runner.ts): on a re-open the
 * Redis fixture does the same, as SQLite inherits what its last process left active.
 */
const RUNNER_ADOPTS = ['DOWNLOAD', 'SCAN', 'QUEUE'] as const;

const openBackends = new Set<BackendFixture>();
const storeOf = new WeakMap<BackendFixture, string>();
let prefixes = 0;

/** Disposes every backend fixture still open (call from afterEach). */
export async function disposeAllFixtures(): Promise<void> {
  disposeAll();
  for (const fx of [...openBackends]) await fx.dispose();
}

/**
 * A ProgressService on the vitest project's backend: a SQLite file in a temp dir (`sqlite`
 * project), or a RedisJournal on the project's redis-server with a key prefix of its own
 * (`redis` project), so one suite runs against both.
 */
export async function openFixture(options: BackendFixtureOptions = {}): Promise<BackendFixture> {
  const { reopen, ...rest } = options;
  if (!PROJECT_REDIS) {
    const dir = reopen ? storeOf.get(reopen)! : undefined;
    const sqlite = createFixture({ ...rest, dir });
    open.delete(sqlite); // this fixture's dispose() owns it
    const fx = wrap('sqlite', sqlite.service, sqlite.journal, sqlite.pubsub, sqlite.logs, {
      close: async () => sqlite.close(),
      remove: async () => fs.rmSync(sqlite.dir, { recursive: true, force: true }),
    });
    storeOf.set(fx, sqlite.dir);
    return fx;
  }
  const prefix = reopen ? storeOf.get(reopen)! : `pf${process.pid}-${++prefixes}:`;
  const redis = await connectRedis(PROJECT_REDIS, 'fixture-cmd');
  const reader = await connectRedis(PROJECT_REDIS, 'fixture-reader');
  const journal = new RedisJournal({
    redis,
    reader,
    keys: redisKeys(prefix),
    logger: pino({ level: 'silent' }),
    retention: rest.eventLogRetention,
  });
  await journal.open();
  const pubsub = rest.pubsub ?? createInProcessPubSub();
  const { logger, lines } = captureLogger();
  const service = new ProgressService({
    journal,
    pubsub,
    logger,
    throttleMs: rest.throttleMs ?? 0,
    now: rest.now,
    historyLimit: rest.historyLimit,
    eventLogRetention: rest.eventLogRetention,
    maxUnwrittenEvents: rest.maxUnwrittenEvents,
  });
  await service.open();
  if (reopen) service.adoptInterrupted(RUNNER_ADOPTS);
  const fx = wrap('redis', service, journal, pubsub, lines, {
    close: async () => {
      await service.closeAndSettle();
      await journal.close();
      redis.disconnect();
      reader.disconnect();
    },
    remove: async () => undefined,
  });
  storeOf.set(fx, prefix);
  return fx;
}

function wrap(
  backend: 'sqlite' | 'redis',
  service: ProgressService,
  journal: ProgressJournal & ProgressStateReader,
  pubsub: ProgressPubSub,
  logs: LogLine[],
  ends: { close(): Promise<void>; remove(): Promise<void> },
): BackendFixture {
  let closing: Promise<void> | null = null;
  const fx: BackendFixture = {
    backend,
    service,
    journal,
    pubsub,
    logs,
    settle: async () => {
      if (backend === 'sqlite') service.flush();
      else await service.settled();
    },
    cursor: async () => (backend === 'sqlite' ? service.lastCursor : service.currentCursor()),
    cursorAt: (seq) => journal.cursorOf(seq),
    close: () => (closing ??= ends.close()),
    dispose: async () => {
      await fx.close();
      openBackends.delete(fx);
      await ends.remove();
    },
  };
  openBackends.add(fx);
  return fx;
}

/** Records every event `service` hands to in-process subscribers of `name`. */
export function record(service: ProgressService, name: ProgressEventName = 'progress') {
  const events: ProgressEvent[] = [];
  const handler = (e: ProgressEvent) => void events.push(e);
  service.subscribe(name, handler);
  return { events, stop: () => service.unsubscribe(name, handler) };
}

/** `[seq, progress]` pairs, for comparing two event lists event by event. */
export const seqAndProgress = (events: readonly ProgressEvent[]) => events.map((e) => [e.seq, e.progress] as const);

/** The seq a cursor (`<epoch>:<seq>`) points at. */
export const seqOf = (cursor: string): number => Number(cursor.slice(cursor.lastIndexOf(':') + 1));

/** How long streamFailure waits for a Redis stream's first next() to reject. */
const STREAM_FAILURE_TIMEOUT_MS = 5_000;

/**
 * The error a stream with these options fails with: thrown by stream() itself with SQLite (the
 * cursor is checked in the calling turn), by its first next() with Redis. Undefined if the
 * first next() yields (the stream is closed either way).
 */
export async function streamFailure(service: ProgressService, options: StreamOptions): Promise<unknown> {
  let stream: AsyncIterableIterator<ProgressEvent>;
  try {
    stream = service.stream(options);
  } catch (err) {
    return err;
  }
  try {
    await withTimeout(stream.next(), STREAM_FAILURE_TIMEOUT_MS, 'the stream to fail');
    return undefined;
  } catch (err) {
    return err;
  } finally {
    await stream.return!();
  }
}
